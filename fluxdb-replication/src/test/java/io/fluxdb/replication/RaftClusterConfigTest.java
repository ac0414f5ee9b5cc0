package io.fluxdb.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RaftClusterConfigTest {
    private static final String SECRET = "0123456789abcdef";
    private static final RaftMember ONE = member("10.0.0.1_7072", "10.0.0.1");
    private static final RaftMember TWO = member("10.0.0.2_7072", "10.0.0.2");

    private static RaftMember member(String id, String host) {
        return new RaftMember(id, new InetSocketAddress(host, 7072), new InetSocketAddress(host, 3307));
    }

    private static RaftClusterConfig config(String local, List<RaftMember> members, String secret) {
        return RaftClusterConfig.of(local, members, new InetSocketAddress("0.0.0.0", 7072), Path.of("/tmp/raft"),
                secret);
    }

    @Test
    void aValidConfigurationHidesItsSecret() {
        RaftClusterConfig config = config(ONE.id(), List.of(ONE, TWO), SECRET);
        assertThat(config.localMember()).isEqualTo(ONE);
        assertThat(config.member(TWO.id())).contains(TWO);
        assertThat(config.toString()).doesNotContain(SECRET).contains("secret=(hidden)");
        assertThat(config.tuning()).isEqualTo(RaftTuning.DEFAULT);
    }

    @Test
    void refusesWhatCannotFormACluster() {
        assertThatThrownBy(() -> config("other", List.of(ONE, TWO), SECRET))
                .hasMessageContaining("localNodeId: 'other' (expected: one of");
        assertThatThrownBy(() -> config(ONE.id(), List.of(ONE, ONE), SECRET))
                .hasMessageContaining("appears twice");
        assertThatThrownBy(() -> config(ONE.id(), List.of(ONE, member("x", "10.0.0.1")), SECRET))
                .hasMessageContaining("Raft address /10.0.0.1:7072 appears twice");
        assertThatThrownBy(() -> config(ONE.id(), List.of(ONE), "short"))
                .hasMessage("secret: 5 characters (expected: at least 16)");
        assertThatThrownBy(() -> config(ONE.id(), List.of(), SECRET)).hasMessageContaining("members: []");
        assertThatThrownBy(() -> member("has space", "10.0.0.3")).hasMessageContaining("printable ASCII");
        assertThatThrownBy(() -> new RaftMember("x", new InetSocketAddress("10.0.0.1", 0),
                new InetSocketAddress("10.0.0.1", 3307))).hasMessageContaining("a port > 0");
    }

    @Test
    void tuningIsValidated() {
        assertThatThrownBy(() -> RaftTuning.DEFAULT.withElectionTimeout(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("expected: > electionTimeoutMin");
        assertThatThrownBy(() -> RaftTuning.DEFAULT.withSubmitTimeout(Duration.ZERO))
                .hasMessage("submitTimeout: PT0S (expected: > 0)");
        assertThatThrownBy(() -> RaftTuning.DEFAULT.withMaxEntryBytes(100 << 20))
                .hasMessageContaining("maxEntryBytes");
        assertThatThrownBy(() -> RaftTuning.DEFAULT.withMaxParallelApply(0)).hasMessageContaining(">= 1");
        assertThat(RaftTuning.DEFAULT.withSnapshotInterval(5).snapshotInterval()).isEqualTo(5);
    }

    @Test
    void ratisAddressesBracketIpv6Literals() {
        RaftMember v6 = new RaftMember("v6", new InetSocketAddress("::1", 7072), new InetSocketAddress("::1", 3307));
        assertThat(v6.raftHostPort()).isEqualTo("[0:0:0:0:0:0:0:1]:7072");
        assertThat(ONE.raftHostPort()).isEqualTo("10.0.0.1:7072");
    }
}

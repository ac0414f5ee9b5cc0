package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.discovery.Peer;
import io.fluxdb.engine.spi.Cluster;
import io.fluxdb.engine.spi.ClusterRole;
import io.fluxdb.engine.spi.CommitResult;
import io.fluxdb.engine.spi.LogEntryContent;
import io.fluxdb.engine.spi.NodeRole;
import io.fluxdb.replication.SingleNodeCluster;
import io.fluxdb.server.config.AccessConfig;
import io.fluxdb.server.config.AddressMatcher;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class WhitelistAdmissionTest {
    private static final InetSocketAddress CLIENT_PORT = new InetSocketAddress("127.0.0.1", 3307);
    private static final Cluster ALONE = new SingleNodeCluster("n1", CLIENT_PORT);
    private static final Cluster FOLLOWER = new Follower();

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    private static AccessConfig access(String whitelist, boolean masterOnly) {
        return new AccessConfig(AddressMatcher.parse(whitelist), Optional.of("shopfront"), masterOnly);
    }

    @Test
    void withoutClientAppOnlyTheWhitelistAdmits() throws Exception {
        var admission = new WhitelistAdmission(new AccessConfig(AddressMatcher.parse("10.0.0.0/8"), Optional.empty(),
                false), ALONE, Optional.empty());
        assertThat(admission.refusal(ip("10.1.2.3"))).isEmpty();
        assertThat(admission.refusal(ip("192.0.2.7"))).contains("the address is not in WHITELIST");
    }

    @Test
    void beforeFluxOsAnswersOnlyTheWhitelistAdmitsAndTheRefusalSaysSo() throws Exception {
        var app = new ClientAppInstances("shopfront");
        var admission = new WhitelistAdmission(access("10.0.0.1", false), ALONE, Optional.of(app));
        assertThat(admission.refusal(ip("10.0.0.1"))).isEmpty();
        assertThat(admission.refusal(ip("192.0.2.7"))).hasValueSatisfying(reason -> assertThat(reason)
                .contains("not in WHITELIST", "FluxOS has not yet answered", "CLIENT_APPNAME 'shopfront'"));
    }

    @Test
    void anInstanceOfTheClientAppIsAdmittedAsWellAsTheWhitelist() throws Exception {
        var app = new ClientAppInstances("shopfront");
        app.listed(List.of(Peer.of("192.0.2.7", 3307), Peer.of("2001:db8::5", 3307)));
        var admission = new WhitelistAdmission(access("10.0.0.1", false), ALONE, Optional.of(app));
        assertThat(admission.refusal(ip("192.0.2.7"))).isEmpty();
        assertThat(admission.refusal(ip("::ffff:192.0.2.7"))).as("IPv4-mapped counts as IPv4").isEmpty();
        assertThat(admission.refusal(ip("2001:db8:0::5"))).isEmpty();
        assertThat(admission.refusal(ip("10.0.0.1"))).isEmpty();
        assertThat(admission.refusal(ip("192.0.2.8"))).contains("the address is not in WHITELIST and is not an"
                + " instance of CLIENT_APPNAME 'shopfront' as of FluxOS's last answer");
    }

    @Test
    void aNewAnswerReplacesTheAdmittedSetAndAnEmptyOneAdmitsNoInstance() throws Exception {
        var app = new ClientAppInstances("shopfront");
        var admission = new WhitelistAdmission(access("10.0.0.1", false), ALONE, Optional.of(app));
        app.listed(List.of(Peer.of("192.0.2.7", 3307)));
        app.listed(List.of(Peer.of("192.0.2.9", 3307)));
        assertThat(admission.refusal(ip("192.0.2.7"))).hasValueSatisfying(r -> assertThat(r).contains("as of"));
        assertThat(admission.refusal(ip("192.0.2.9"))).isEmpty();
        app.listed(List.of());
        assertThat(admission.refusal(ip("192.0.2.9"))).hasValueSatisfying(r -> assertThat(r).contains("as of"));
    }

    @Test
    void authMasterOnlyRefusesClientAppInstancesOnANodeThatIsNotTheMaster() throws Exception {
        var app = new ClientAppInstances("shopfront");
        app.listed(List.of(Peer.of("192.0.2.7", 3307)));
        var onFollower = new WhitelistAdmission(access("10.0.0.1", true), FOLLOWER, Optional.of(app));
        assertThat(onFollower.refusal(ip("10.0.0.1"))).as("the whitelist still admits").isEmpty();
        assertThat(onFollower.refusal(ip("192.0.2.7")))
                .contains("AUTH_MASTER_ONLY is set and this node is not the master");
        var onMaster = new WhitelistAdmission(access("10.0.0.1", true), ALONE, Optional.of(app));
        assertThat(onMaster.refusal(ip("192.0.2.7"))).isEmpty();
    }

    /** A node that follows: only its role is asked. */
    private static final class Follower implements Cluster {
        @Override
        public String localNodeId() {
            return "n2";
        }

        @Override
        public ClusterRole role() {
            return new ClusterRole(NodeRole.FOLLOWER, 3, Optional.of("n1"), Optional.of(CLIENT_PORT));
        }

        @Override
        public CompletableFuture<CommitResult> submit(LogEntryContent entry) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void settle(long index, boolean committed) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Void> awaitApplied(long index, Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Long> readIndex() {
            throw new UnsupportedOperationException();
        }

        @Override
        public long appliedIndex() {
            throw new UnsupportedOperationException();
        }
    }
}

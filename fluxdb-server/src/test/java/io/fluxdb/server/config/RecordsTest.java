package io.fluxdb.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compact constructors refuse what the option parser would never produce. */
class RecordsTest {
    private static final Secret SECRET = new Secret("0123456789abcdef-very-secret");

    @Test
    void secretIsNeverPrinted() {
        assertThat(SECRET).hasToString("(hidden)");
        assertThat(new Secret("")).hasToString("(empty)");
        EngineConfig engine = new EngineConfig("mysql", EngineConfig.DEFAULT_ENDPOINT, "root", new Secret("hunter2hunter2"), "test_db");
        assertThat(engine.toString()).doesNotContain("hunter2");
        ClusterConfig cluster = cluster(List.of(new HostPort("10.0.0.2", 7071)), Optional.of(SECRET), OptionalInt.empty());
        assertThat(cluster.toString()).doesNotContain(SECRET.value());
    }

    @Test
    void clusterOfMoreThanOneNodeNeedsALongEnoughSecret() {
        List<HostPort> peers = List.of(new HostPort("10.0.0.2", 7071));
        assertThatThrownBy(() -> cluster(peers, Optional.empty(), OptionalInt.empty()))
                .hasMessage("secret: required when the cluster has more than one node (PEERS, PEERS_DNS or DB_APPNAME is set)");
        assertThatThrownBy(() -> cluster(peers, Optional.of(new Secret("short")), OptionalInt.empty()))
                .hasMessage("secret: is 5 characters long; use at least 16 (e.g. the output of: openssl rand -hex 16)");
        assertThat(cluster(List.of(), Optional.empty(), OptionalInt.of(1)).isMultiNode()).isFalse();
        assertThat(cluster(peers, Optional.of(SECRET), OptionalInt.of(2)).isMultiNode()).isTrue();
    }

    @Test
    void bootstrapExpectMustBeReachable() {
        assertThatThrownBy(() -> cluster(List.of(), Optional.empty(), OptionalInt.of(3)))
                .hasMessage("bootstrapExpect: 3 nodes can never be found: none of PEERS, PEERS_DNS and DB_APPNAME is set");
        assertThatThrownBy(() -> cluster(List.of(new HostPort("a", 1)), Optional.of(SECRET), OptionalInt.of(3)))
                .hasMessage("bootstrapExpect: 3 nodes can never be found: PEERS lists 1 other node");
        assertThatThrownBy(() -> cluster(List.of(), Optional.empty(), OptionalInt.of(0)))
                .hasMessage("bootstrapExpect: 0 is out of range (expected at least 1)");
    }

    @Test
    void aDnsNameNeedsAnExpectedSizeAndNoFluxApp() {
        Optional<HostPort> name = Optional.of(new HostPort("fluxdb.example", 7071));
        assertThatThrownBy(() -> dnsCluster(Optional.empty(), name, OptionalInt.empty()))
                .hasMessage("bootstrapExpect: " + ClusterConfig.EXPECT_REQUIRED_WITH_DNS);
        assertThatThrownBy(() -> dnsCluster(Optional.of("mydb"), name, OptionalInt.of(3)))
                .hasMessage("peersDns: " + ClusterConfig.DNS_WITH_APP);
        ClusterConfig dns = dnsCluster(Optional.empty(), name, OptionalInt.of(5));
        assertThat(dns.isMultiNode()).isTrue();
        assertThat(dns.isDiscovered()).isTrue();
        // the group decided through the name becomes the peer list, and the name stays
        ClusterConfig decided = dns.withPeers(List.of(new HostPort("10.0.0.2", 7071), new HostPort("10.0.0.3", 7071)));
        assertThat(decided.peersDns()).isEqualTo(name);
        assertThat(decided.peers()).hasSize(2);
        assertThat(cluster(List.of(new HostPort("10.0.0.2", 7071)), Optional.of(SECRET), OptionalInt.of(2))
                .isDiscovered()).isFalse();
    }

    @Test
    void listenersNeedDistinctPorts() {
        InetAddress any = IpAddresses.parse("0.0.0.0").orElseThrow();
        assertThatThrownBy(() -> new ListenConfig(any, 3307, 3307, 3307, 7072, 8008))
                .hasMessage("port 3307 is used by two listeners");
        assertThat(new ListenConfig(any, 0, 0, 0, 0, 0).clientPort()).isZero();
        assertThatThrownBy(() -> new ListenConfig(any, 70000, 7071, 7071, 7072, 8008))
                .hasMessage("clientPort: 70000 (expected: 0-65535)");
    }

    @Test
    void proxyLimits() {
        assertThatThrownBy(() -> new ProxyConfig(0, Duration.ofHours(8), 1 << 20, false, Optional.empty()))
                .hasMessage("maxConnections: 0 (expected: 1-100000)");
        assertThatThrownBy(() -> new ProxyConfig(1, Duration.ZERO, 1 << 20, false, Optional.empty()))
                .hasMessage("idleTimeout: PT0S (expected: > 0)");
        assertThatThrownBy(() -> new ProxyConfig(1, Duration.ofHours(8), 100, false, Optional.empty()))
                .hasMessage("maxPacketBytes: 100 (expected: 1024-1073741824)");
    }

    @Test
    void tlsFilesMustBeReadable(@TempDir Path dir) throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\n");
        Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n");
        assertThat(new TlsConfig(cert, key).certificate()).isEqualTo(cert);
        assertThatThrownBy(() -> new TlsConfig(dir.resolve("missing.pem"), key))
                .hasMessage("certificate: " + dir.resolve("missing.pem") + " does not exist");
        assertThatThrownBy(() -> new TlsConfig(cert, dir)).hasMessage("privateKey: " + dir + " is not a regular file");
    }

    @Test
    void engineNamesAreChecked() {
        assertThatThrownBy(() -> new EngineConfig("mysql", EngineConfig.DEFAULT_ENDPOINT, "root", new Secret(""), "mysql"))
                .hasMessageContaining("system schema");
    }

    @Test
    void configExceptionKeepsEveryProblem() {
        ConfigException e = new ConfigException(List.of("A / --a: one", "B / --b: two"));
        assertThat(e.problems()).containsExactly("A / --a: one", "B / --b: two");
        assertThat(e.getMessage()).isEqualTo("A / --a: one" + System.lineSeparator() + "B / --b: two");
        assertThatThrownBy(() -> new ConfigException(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    private static ClusterConfig dnsCluster(Optional<String> app, Optional<HostPort> name, OptionalInt expect) {
        return new ClusterConfig(app, List.of(), name, Optional.of(SECRET), ClusterConfig.DEFAULT_FLUXOS_API,
                Consistency.SESSION, expect, Optional.empty(), ClusterConfig.DEFAULT_MEMBER_REMOVE_AFTER,
                ClusterConfig.DEFAULT_ELECTION_TIMEOUT, ClusterConfig.DEFAULT_FLOW_CONTROL_LAG,
                ClusterConfig.DEFAULT_FLOW_CONTROL_WAIT);
    }

    private static ClusterConfig cluster(List<HostPort> peers, Optional<Secret> secret, OptionalInt expect) {
        return new ClusterConfig(Optional.empty(), peers, secret, ClusterConfig.DEFAULT_FLUXOS_API, Consistency.SESSION, expect);
    }
}

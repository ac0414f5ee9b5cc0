package io.fluxdb.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.spi.NodeRole;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SingleNodeClusterTest {
    @Test
    void isAlwaysTheLeaderAndAppliedUpToItsLastIndex() {
        SingleNodeCluster cluster = new SingleNodeCluster("n1", new InetSocketAddress("127.0.0.1", 3307));
        assertThat(cluster.role().role()).isEqualTo(NodeRole.LEADER);
        assertThat(cluster.role().leaderClientAddress()).contains(new InetSocketAddress("127.0.0.1", 3307));
        assertThat(cluster.readIndex().join()).isZero();
        assertThat(cluster.awaitApplied(5, Duration.ofMillis(1))).isCompleted();
    }
}

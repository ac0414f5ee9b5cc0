package io.fluxdb.discovery.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.discovery.DiscoveryException;
import io.fluxdb.discovery.Peer;
import org.junit.jupiter.api.Test;

class DnsPeerSourceTest {

    @Test
    void everyARecordIsAPeerOnTheGivenPort() throws Exception {
        assertThat(new DnsPeerSource("localhost", 7071).lookup()).contains(Peer.of("127.0.0.1", 7071))
                .allSatisfy(p -> assertThat(p.host()).doesNotContain(":"));
    }

    @Test
    void unresolvableNameFails() {
        // .invalid never resolves (RFC 2606)
        assertThatThrownBy(() -> new DnsPeerSource("fluxdb-nodes.invalid", 7071).lookup())
                .isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("fluxdb-nodes.invalid does not resolve");
    }
}

package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.server.node.LeaderLossWatch.Probe;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LeaderLossWatchTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void aPortNothingListensOnRefusesAndAListeningOneAccepts() throws Exception {
        InetSocketAddress address;
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            address = new InetSocketAddress(LOOPBACK, server.getLocalPort());
            assertThat(LeaderLossWatch.probe(address, Optional.empty())).isEqualTo(Probe.ACCEPTED);
            assertThat(LeaderLossWatch.probe(address, Optional.of(LOOPBACK))).isEqualTo(Probe.ACCEPTED);
        }
        assertThat(LeaderLossWatch.probe(address, Optional.empty())).isEqualTo(Probe.REFUSED);
    }

    @Test
    void anUnknownHostOrAnAddressThatCannotBeBoundProvesNothing() throws Exception {
        assertThat(LeaderLossWatch.probe(InetSocketAddress.createUnresolved("no-such-host.invalid", 7072),
                Optional.empty())).isEqualTo(Probe.UNKNOWN);
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            // 192.0.2.1 (TEST-NET-1) is no address of this machine: the probe cannot start, which proves nothing
            assertThat(LeaderLossWatch.probe(new InetSocketAddress(LOOPBACK, server.getLocalPort()),
                    Optional.of(InetAddress.getByName("192.0.2.1")))).isEqualTo(Probe.UNKNOWN);
        }
    }
}

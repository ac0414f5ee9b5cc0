package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class LeaderLossWatchTest {

    @Test
    void aPortNothingListensOnRefusesAndAListeningOneDoesNot() throws Exception {
        InetSocketAddress closed;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress open = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
            assertThat(LeaderLossWatch.refuses(open)).isFalse();
            closed = open;
        }
        assertThat(LeaderLossWatch.refuses(closed)).isTrue();
    }

    @Test
    void anUnknownHostProvesNothing() {
        assertThat(LeaderLossWatch.refuses(InetSocketAddress.createUnresolved("no-such-host.invalid", 7072)))
                .isFalse();
    }
}

package io.fluxdb.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FaultProxyTest {

    @Test
    void forwardsDelaysCutsAndHeals() throws Exception {
        try (ServerSocket echo = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> echoLoop(echo));
            InetSocketAddress target = new InetSocketAddress(echo.getInetAddress(), echo.getLocalPort());
            try (FaultProxy proxy = FaultProxy.start(new InetSocketAddress(echo.getInetAddress(), 0), target)) {
                try (Socket s = connect(proxy)) {
                    assertThat(roundTrip(s, "a")).isEqualTo('a');
                    proxy.delay(Duration.ofMillis(100));
                    long started = System.nanoTime();
                    assertThat(roundTrip(s, "b")).isEqualTo('b');
                    // held once each way: a lower bound, never an upper one
                    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
                    proxy.delay(Duration.ZERO);
                    proxy.cut();
                    assertThatThrownBy(() -> {
                        roundTrip(s, "c");
                        roundTrip(s, "d");
                    }).isInstanceOf(IOException.class);
                }
                try (Socket refused = connect(proxy)) {
                    assertThat(refused.getInputStream().read()).as("a new connection is closed at once").isEqualTo(-1);
                } catch (IOException expected) {
                    // a reset instead of an end of stream: also closed at once
                }
                proxy.heal();
                try (Socket s = connect(proxy)) {
                    assertThat(roundTrip(s, "e")).isEqualTo('e');
                }
            }
        }
    }

    private static Socket connect(FaultProxy proxy) throws IOException {
        Socket s = new Socket(proxy.address(), proxy.port());
        s.setSoTimeout(5_000);
        return s;
    }

    private static char roundTrip(Socket s, String one) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(one.getBytes());
        out.flush();
        int c = s.getInputStream().read();
        if (c < 0) {
            throw new IOException("closed");
        }
        return (char) c;
    }

    private static void echoLoop(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> {
                    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                        int c;
                        while ((c = in.read()) >= 0) {
                            out.write(c);
                            out.flush();
                        }
                    } catch (IOException ignored) {
                        // the proxy reset it
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }
}

package io.fluxdb.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class HandshakeProbeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** Accepts one connection, writes {@code greeting} and, unless told to close, waits until the probe closes. */
    private static Optional<String> probeAgainst(byte[] greeting) throws IOException {
        return probeAgainst(greeting, false, false);
    }

    private static Optional<String> probeAgainst(byte[] greeting, boolean byteByByte, boolean closeAfterWrite)
            throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (Socket s = server.accept()) {
                    OutputStream out = s.getOutputStream();
                    if (byteByByte) {
                        for (byte b : greeting) {
                            out.write(b);
                            out.flush();
                        }
                    } else {
                        out.write(greeting);
                        out.flush();
                    }
                    if (!closeAfterWrite) {
                        s.getInputStream().read(); // until the probe closes
                    }
                } catch (IOException e) {
                    // The probe resets the connection when it closes with greeting bytes left unread.
                }
            });
            Optional<String> result = HandshakeProbe.probe(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), TIMEOUT);
            served.join();
            return result;
        }
    }

    @Test
    void acceptsProtocol10Greeting() throws IOException {
        // payload length 3, sequence 0, protocol 10, then the start of a version string
        assertThat(probeAgainst(new byte[] {3, 0, 0, 0, 10, '1', '1'})).isEmpty();
    }

    @Test
    void acceptsGreetingWrittenByteByByte() throws IOException {
        assertThat(probeAgainst(new byte[] {3, 0, 0, 0, 10}, true, false)).isEmpty();
    }

    @Test
    void reportsErrPacket() throws IOException {
        assertThat(probeAgainst(new byte[] {9, 0, 0, 0, (byte) 0xFF, 0x10, 0x04})).get().asString()
                .contains("ERR packet");
    }

    @Test
    void reportsOtherProtocol() throws IOException {
        assertThat(probeAgainst(new byte[] {3, 0, 0, 0, 9})).get().asString().contains("protocol byte 9");
    }

    @Test
    void reportsEarlyClose() throws IOException {
        assertThat(probeAgainst(new byte[] {3, 0}, false, true)).get().asString().contains("closed the connection");
    }

    @Test
    void reportsClosedPort() {
        int port = FreePorts.next();
        assertThat(HandshakeProbe.probe(new InetSocketAddress("127.0.0.1", port), TIMEOUT)).get().asString()
                .contains("cannot connect");
    }
}

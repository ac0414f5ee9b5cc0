package io.fluxdb.testkit;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;

/**
 * Checks that a MariaDB server accepts connections by reading the first byte of its greeting, without a JDBC driver.
 *
 * @see <a href="https://mariadb.com/kb/en/connection/#initial-handshake-packet">Initial handshake packet</a>
 */
final class HandshakeProbe {

    /** The protocol version byte that opens the payload of {@code HandshakeV10}. */
    static final int PROTOCOL_VERSION_10 = 10;
    /** The header of an ERR packet, sent instead of a greeting when the server refuses the connection. */
    static final int ERR_HEADER = 0xFF;

    private HandshakeProbe() {
    }

    /**
     * Connects, reads the 4-byte packet header and the protocol byte, and closes.
     *
     * @return empty when the server greeted with protocol 10, else why not
     */
    static Optional<String> probe(SocketAddress address, Duration timeout) {
        requireNonNull(address, "address is null");
        requireNonNull(timeout, "timeout is null");
        long deadline = System.nanoTime() + timeout.toNanos();
        try (SocketChannel channel = address instanceof UnixDomainSocketAddress
                        ? SocketChannel.open(StandardProtocolFamily.UNIX)
                        : SocketChannel.open();
                Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            SelectionKey key = channel.register(selector, SelectionKey.OP_CONNECT);
            if (!channel.connect(address)) {
                while (!channel.finishConnect()) {
                    if (!await(selector, deadline)) {
                        return Optional.of("connect to " + address + " timed out");
                    }
                }
            }
            key.interestOps(SelectionKey.OP_READ);
            // 3-byte payload length, 1-byte sequence id, then the first payload byte.
            ByteBuffer header = ByteBuffer.allocate(5);
            while (header.hasRemaining()) {
                int n = channel.read(header);
                if (n < 0) {
                    return Optional.of(address + " closed the connection before its greeting");
                }
                if (n == 0 && !await(selector, deadline)) {
                    return Optional.of(address + " sent no greeting in time");
                }
            }
            int first = header.get(4) & 0xFF;
            if (first == PROTOCOL_VERSION_10) {
                return Optional.empty();
            }
            return Optional.of(address + (first == ERR_HEADER
                    ? " refused the connection with an ERR packet"
                    : " sent protocol byte " + first + " (expected: " + PROTOCOL_VERSION_10 + ")"));
        } catch (IOException e) {
            return Optional.of("cannot connect to " + address + ": " + e.getMessage());
        }
    }

    private static boolean await(Selector selector, long deadline) throws IOException {
        long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
        if (remainingMillis <= 0) {
            return false;
        }
        selector.select(remainingMillis);
        selector.selectedKeys().clear();
        return true;
    }
}

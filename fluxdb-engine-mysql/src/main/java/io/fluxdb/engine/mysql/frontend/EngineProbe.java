package io.fluxdb.engine.mysql.frontend;

import io.fluxdb.protocol.message.server.HandshakeV10;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Reads the engine's initial handshake once at start, to learn what the front end may offer its
 * clients ({@link EngineProfile}). The connection is closed right after, before authentication.
 */
public final class EngineProbe {
    private EngineProbe() {}

    public static EngineProfile probe(String host, int port, Duration timeout) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] header = new byte[4];
            in.readFully(header);
            int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
            if (length > 64 * 1024) {
                throw new IOException("engine at " + host + ":" + port + " sent a " + length
                        + "-byte first packet: not a MySQL server?");
            }
            byte[] payload = new byte[length];
            in.readFully(payload);
            if (length > 0 && (payload[0] & 0xff) == 0xff) {
                // An ERR instead of a handshake: e.g. "Host is blocked" or "Too many connections".
                throw new IOException("engine at " + host + ":" + port + " refused the connection: "
                        + new String(payload, 3, Math.max(0, length - 3), java.nio.charset.StandardCharsets.UTF_8));
            }
            HandshakeV10 handshake = HandshakeV10.decode(Unpooled.wrappedBuffer(payload), 0);
            return new EngineProfile(handshake.serverVersion(), handshake.capabilities(), handshake.characterSet());
        }
    }
}

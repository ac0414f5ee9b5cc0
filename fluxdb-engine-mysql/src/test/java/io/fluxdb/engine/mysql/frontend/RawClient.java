package io.fluxdb.engine.mysql.frontend;

import static io.fluxdb.protocol.constant.CapabilityFlags.*;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.mysql.testing.TestOperator;
import io.fluxdb.protocol.auth.NativePassword;
import io.fluxdb.protocol.constant.CommandType;
import io.fluxdb.protocol.message.client.ComChangeUser;
import io.fluxdb.protocol.message.client.HandshakeResponse41;
import io.fluxdb.protocol.message.client.SslRequest;
import io.fluxdb.protocol.message.server.ErrPacket;
import io.fluxdb.protocol.message.server.HandshakeV10;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A MySQL client on a plain socket, for tests that need control over every byte: it reads and
 * writes packets, logs in with mysql_native_password and reads whole text-protocol responses.
 * It does not negotiate CLIENT_DEPRECATE_EOF, so result sets end with EOF packets, and uses TLS
 * only when {@link #authenticateOverTls} asks for it.
 */
final class RawClient implements AutoCloseable {
    /** What the raw client asks for: plain 4.1 protocol with plugin auth. */
    static final long CAPABILITIES = CLIENT_LONG_PASSWORD | CLIENT_LONG_FLAG | CLIENT_PROTOCOL_41
            | CLIENT_TRANSACTIONS | CLIENT_SECURE_CONNECTION | CLIENT_MULTI_RESULTS | CLIENT_PLUGIN_AUTH
            | CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA;

    /** One MySQL packet as read from the socket. */
    record RawPacket(int sequenceId, byte[] payload) {
        int header() {
            return payload.length == 0 ? -1 : payload[0] & 0xFF;
        }

        boolean isOk() {
            return header() == 0x00;
        }

        boolean isErr() {
            return header() == 0xFF;
        }

        boolean isEof() {
            return header() == 0xFE && payload.length < 9;
        }

        ErrPacket err() {
            if (!isErr()) {
                throw new AssertionError("expected an ERR packet, got " + this);
            }
            return ErrPacket.decode(Unpooled.wrappedBuffer(payload), CLIENT_PROTOCOL_41);
        }

        @Override
        public String toString() {
            int n = Math.min(payload.length, 64);
            return "RawPacket[seq=" + sequenceId + ", " + payload.length + " bytes: "
                    + ByteBufUtil.hexDump(payload, 0, n) + (n < payload.length ? "..." : "") + "]";
        }
    }

    /** A whole response: an OK or ERR packet, or a result set's rows (each a list of column values). */
    record Response(RawPacket first, List<List<String>> rows) {
        boolean isErr() {
            return first.isErr();
        }

        ErrPacket err() {
            return first.err();
        }

        /** The first column of the first row. */
        String value() {
            if (first.isErr()) {
                throw new AssertionError("expected a result set, got " + first.err());
            }
            return rows.getFirst().getFirst();
        }
    }

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private HandshakeV10 handshake;
    private X509Certificate serverCertificate;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    /** Opens a socket to {@code port} on the loopback; reads time out after 15 s. */
    static RawClient connect(int port) throws IOException {
        return connect(port, DEFAULT_TIMEOUT);
    }

    /** Opens a socket to {@code port} on the loopback; connecting and each read time out after {@code timeout}. */
    static RawClient connect(int port, Duration timeout) throws IOException {
        return connect(port, timeout, null);
    }

    /** Like {@link #connect(int, Duration)}, from {@code source} (another loopback address), or any if null. */
    static RawClient connect(int port, Duration timeout, java.net.InetAddress source) throws IOException {
        Socket socket = new Socket();
        if (source != null) {
            socket.bind(new InetSocketAddress(source, 0));
        }
        socket.setTcpNoDelay(true);
        socket.setSoTimeout((int) timeout.toMillis());
        socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
        return new RawClient(socket);
    }

    /** Connects and logs in; fails the test if the server refuses. */
    static RawClient login(int port, String user, String password) throws IOException {
        return login(port, user, password, DEFAULT_TIMEOUT);
    }

    /** Connects and logs in, waiting up to {@code timeout} for each step; fails the test if the server refuses. */
    static RawClient login(int port, String user, String password, Duration timeout) throws IOException {
        RawClient client = connect(port, timeout);
        try {
            RawPacket reply = client.authenticate(user, password, null);
            if (!reply.isOk()) {
                throw new AssertionError("login as " + user + " failed: " + (reply.isErr() ? reply.err() : reply));
            }
            return client;
        } catch (IOException | RuntimeException | Error e) {
            client.close();
            throw e;
        }
    }

    /**
     * Reads the server's handshake and answers it with a mysql_native_password response; returns
     * the server's reply (OK or ERR).
     */
    RawPacket authenticate(String user, String password, String database) throws IOException {
        readHandshake();
        write(1, handshakeResponsePayload(user, password, database));
        return readPacket();
    }

    /**
     * Reads the server's handshake, sends SSLRequest and continues over TLS, trusting whatever
     * certificate the server presents ({@link #serverCertificate}), then answers with a
     * mysql_native_password response; returns the server's reply (OK or ERR).
     */
    RawPacket authenticateOverTls(String user, String password) throws IOException {
        readHandshake();
        long caps = CAPABILITIES | CLIENT_SSL;
        startTls(caps);
        write(2, handshakeResponsePayload(user, password, null, caps));
        return readPacket();
    }

    /** After {@link #readHandshake}: sends SSLRequest (id 1) with {@code caps} and continues over TLS, trusting any certificate. */
    void startTls(long caps) throws IOException {
        write(1, encode(b -> new SslRequest(caps, 1 << 24, 45).encode(b, caps)));
        SSLSocket tls;
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
            tls = (SSLSocket) context.getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(), true);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS", e);
        }
        tls.setUseClientMode(true);
        tls.startHandshake();
        serverCertificate = (X509Certificate) tls.getSession().getPeerCertificates()[0];
        socket = tls;
        in = tls.getInputStream();
        out = tls.getOutputStream();
    }

    /** The certificate the server presented in {@link #authenticateOverTls}. */
    X509Certificate serverCertificate() {
        return requireNonNull(serverCertificate, "no TLS session yet");
    }

    /** The HandshakeResponse41 payload answering the handshake read last. */
    byte[] handshakeResponsePayload(String user, String password, String database) {
        return handshakeResponsePayload(user, password, database, CAPABILITIES);
    }

    private byte[] handshakeResponsePayload(String user, String password, String database, long capabilities) {
        return handshakeResponsePayload(user, password, database, capabilities, 45);
    }

    /** Like {@link #authenticate}, with more capabilities than {@link #CAPABILITIES} and a collation id of its own. */
    RawPacket authenticate(String user, String password, long extraCapabilities, int collation) throws IOException {
        readHandshake();
        write(1, handshakeResponsePayload(user, password, null, CAPABILITIES | extraCapabilities, collation));
        return readPacket();
    }

    private byte[] handshakeResponsePayload(String user, String password, String database, long capabilities,
            int collation) {
        long caps = capabilities | (database == null ? 0 : CLIENT_CONNECT_WITH_DB);
        byte[] auth = NativePassword.response(password.getBytes(UTF_8), handshake().scramble());
        HandshakeResponse41 response = new HandshakeResponse41(caps, 1 << 24, collation, user, auth, database,
                NativePassword.NAME, Map.of());
        return encode(b -> response.encode(b, caps));
    }

    /** Fails unless a normal client (MariaDB Connector/J) can log in to {@code operator} as root and query. */
    static void assertServes(TestOperator operator, String rootPassword) throws SQLException {
        try (Connection c = DriverManager.getConnection(operator.jdbcUrl(""), "root", rootPassword);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1 + 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(2);
        }
    }

    /** Reads HandshakeV10 (sequence id 0) and remembers it. */
    HandshakeV10 readHandshake() throws IOException {
        RawPacket packet = readPacket();
        if (packet.isErr()) {
            throw new AssertionError("server refused before the handshake: " + packet.err());
        }
        handshake = HandshakeV10.decode(Unpooled.wrappedBuffer(packet.payload()), 0);
        return handshake;
    }

    /** The handshake read by {@link #readHandshake}. */
    HandshakeV10 handshake() {
        return requireNonNull(handshake, "no handshake read yet");
    }

    /** The COM_CHANGE_USER payload for {@code user}, answering the original handshake's scramble. */
    byte[] changeUserPayload(String user, String password, String database) {
        byte[] auth = NativePassword.response(password.getBytes(UTF_8), handshake().scramble());
        ComChangeUser change = new ComChangeUser(user, auth, database, 45, NativePassword.NAME, Map.of());
        return encode(b -> change.encode(b, CAPABILITIES));
    }

    /** Sends COM_QUERY and reads its whole response. */
    Response query(String sql) throws IOException {
        sendQuery(sql);
        return readResponse();
    }

    /**
     * Prepares {@code sql} on the server (COM_STMT_PREPARE), executes it without parameters (COM_STMT_EXECUTE), closes
     * it, and returns the first packet of the execution's answer. For statements without a result set.
     */
    RawPacket prepareAndExecute(String sql) throws IOException {
        write(0, command(CommandType.COM_STMT_PREPARE, sql.getBytes(UTF_8)));
        RawPacket prepared = readPacket();
        if (prepared.isErr()) {
            return prepared;
        }
        ByteBuf ok = Unpooled.wrappedBuffer(prepared.payload());
        ok.skipBytes(1);
        int id = ok.readIntLE();
        int columns = ok.readUnsignedShortLE();
        int params = ok.readUnsignedShortLE();
        // Without CLIENT_DEPRECATE_EOF each group of definitions ends with an EOF.
        for (int group : new int[] {params, columns}) {
            if (group > 0) {
                for (int i = 0; i <= group; i++) {
                    readPacket();
                }
            }
        }
        ByteBuf execute = Unpooled.buffer().writeByte(CommandType.COM_STMT_EXECUTE).writeIntLE(id).writeByte(0)
                .writeIntLE(1);
        write(0, io.netty.buffer.ByteBufUtil.getBytes(execute));
        RawPacket answer = readPacket();
        write(0, command(CommandType.COM_STMT_CLOSE, io.netty.buffer.ByteBufUtil.getBytes(Unpooled.buffer().writeIntLE(id))));
        return answer;
    }

    void sendQuery(String sql) throws IOException {
        write(0, command(CommandType.COM_QUERY, sql.getBytes(UTF_8)));
    }

    /** A command packet's payload: the command byte, then {@code body}. */
    static byte[] command(int commandType, byte[] body) {
        byte[] payload = new byte[1 + body.length];
        payload[0] = (byte) commandType;
        System.arraycopy(body, 0, payload, 1, body.length);
        return payload;
    }

    /** A whole packet (header and payload) as bytes, for tests that write several at once. */
    static byte[] frame(int sequenceId, byte[] payload) {
        byte[] frame = new byte[4 + payload.length];
        frame[0] = (byte) payload.length;
        frame[1] = (byte) (payload.length >>> 8);
        frame[2] = (byte) (payload.length >>> 16);
        frame[3] = (byte) sequenceId;
        System.arraycopy(payload, 0, frame, 4, payload.length);
        return frame;
    }

    /** Writes one packet (payload under 16 MiB). */
    void write(int sequenceId, byte[] payload) throws IOException {
        writeRaw(frame(sequenceId, payload));
    }

    /** Writes bytes as they are. */
    void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Half-closes the socket: the server reads end-of-stream, the client can still read. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /**
     * Reads one whole text-protocol response: OK, ERR, a LOCAL INFILE request, or a result set up to
     * its final EOF (or the ERR in its place). Further results of a multi-statement are not read.
     */
    Response readResponse() throws IOException {
        RawPacket first = readPacket();
        if (first.isOk() || first.isErr() || first.header() == 0xFB) {
            return new Response(first, List.of());
        }
        int columns = first.payload()[0] & 0xFF;
        if (columns >= 0xFB) {
            throw new AssertionError("column counts over 250 are not supported here: " + first);
        }
        for (int i = 0; i < columns; i++) {
            readPacket();
        }
        RawPacket eof = readPacket();
        if (!eof.isEof()) {
            throw new AssertionError("expected EOF after the column definitions, got " + eof);
        }
        List<List<String>> rows = new ArrayList<>();
        while (true) {
            RawPacket row = readPacket();
            if (row.isEof()) {
                return new Response(first, rows);
            }
            if (row.isErr()) {
                return new Response(row, rows);
            }
            rows.add(textRow(row.payload(), columns));
        }
    }

    private static List<String> textRow(byte[] payload, int columns) {
        ByteBuf buf = Unpooled.wrappedBuffer(payload);
        List<String> values = new ArrayList<>(columns);
        for (int i = 0; i < columns; i++) {
            int prefix = buf.readUnsignedByte();
            if (prefix == 0xFB) {
                values.add(null);
                continue;
            }
            long length = switch (prefix) {
                case 0xFC -> buf.readUnsignedShortLE();
                case 0xFD -> buf.readUnsignedMediumLE();
                case 0xFE -> buf.readLongLE();
                default -> prefix;
            };
            values.add(buf.readCharSequence((int) length, UTF_8).toString());
        }
        return values;
    }

    /** Reads one packet; continued payloads (16 MiB and more) are not joined. */
    RawPacket readPacket() throws IOException {
        byte[] header = in.readNBytes(4);
        if (header.length < 4) {
            throw new EOFException("connection closed by the server (" + header.length + " bytes of a header read)");
        }
        int length = (header[0] & 0xFF) | (header[1] & 0xFF) << 8 | (header[2] & 0xFF) << 16;
        byte[] payload = in.readNBytes(length);
        if (payload.length < length) {
            throw new EOFException("connection closed by the server after " + payload.length + " of " + length + " bytes");
        }
        return new RawPacket(header[3] & 0xFF, payload);
    }

    /**
     * True if the server closed the connection (end of stream or reset) within {@code timeout};
     * fails if it sends anything instead.
     */
    boolean closedByServer(Duration timeout) throws IOException {
        int saved = socket.getSoTimeout();
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            int b = in.read();
            if (b >= 0) {
                byte[] rest = in.readNBytes(Math.min(in.available(), 64));
                throw new AssertionError("expected the connection to be closed, but the server sent 0x"
                        + Integer.toHexString(b) + " " + ByteBufUtil.hexDump(rest));
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            // Connection reset: closed as well.
            return true;
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(saved);
            }
        }
    }

    /** The stream from the server (through TLS once {@link #authenticateOverTls} ran), for raw reads. */
    InputStream input() {
        return in;
    }

    /** The socket the client reads from and writes to (a TLS socket after {@link #authenticateOverTls}). */
    Socket socket() {
        return socket;
    }

    /** Sends COM_QUIT (no reply) and closes. */
    void quit() throws IOException {
        write(0, new byte[] {(byte) CommandType.COM_QUIT});
        close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static byte[] encode(Consumer<ByteBuf> encoder) {
        ByteBuf buf = Unpooled.buffer();
        try {
            encoder.accept(buf);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

}

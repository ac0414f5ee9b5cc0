package io.fluxdb.engine.mysql.frontend;

import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_COMPRESS;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.mysql.testing.TestOperator;
import io.fluxdb.protocol.auth.NativePassword;
import io.fluxdb.protocol.constant.CapabilityFlags;
import io.fluxdb.protocol.constant.CommandType;
import io.fluxdb.protocol.message.client.HandshakeResponse41;
import io.fluxdb.protocol.message.server.ErrPacket;
import io.fluxdb.protocol.message.server.HandshakeV10;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The compressed protocol byte by byte, from a client written here with {@code java.util.zip}:
 * the login's OK is plain, then every packet travels in compressed packets whose ids start at 0
 * with each command and continue in the response; unprompted errors start at 0; bad input gets an
 * ERR packet, compressed, and a close.
 */
@ExtendWith(MariaDbExtension.class)
class CompressedProtocolIT {
    private static MariaDbProcess db;
    private static TestOperator operator;

    @BeforeAll
    static void start(MariaDbProcess server) {
        db = server;
        operator = TestOperator.start(db, Map.of("max-packet-size", "65536"));
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.close();
        }
    }

    /** One compressed packet as read: its id, whether its payload was compressed, and its content. */
    private record Frame(int id, boolean compressed, int wireLength, byte[] content) {}

    @Test
    void responsesContinueTheCommandsSequenceAndLargeOnesAreCompressed() throws Exception {
        try (CompressedClient client = CompressedClient.login(operator.port())) {
            client.send(0, command(CommandType.COM_QUERY, "SELECT REPEAT('a', 100000) AS a, 'b' AS b"), false);
            List<Frame> frames = new ArrayList<>();
            List<byte[]> packets = client.readUntil(frames, 6); // column count, 2 definitions, EOF, row, EOF
            assertThat(frames.getFirst().id()).isEqualTo(1);
            for (int i = 0; i < frames.size(); i++) {
                assertThat(frames.get(i).id()).isEqualTo(1 + i);
            }
            assertThat(frames).anySatisfy(f -> assertThat(f.compressed()).isTrue());
            assertThat(frames.stream().mapToInt(Frame::wireLength).sum()).isLessThan(5000);
            byte[] row = packets.get(4); // header, then the 0xFD length prefix of 3 bytes
            assertThat(new String(row, 8, 100000, UTF_8)).isEqualTo("a".repeat(100000));

            // The next command starts over at 0; a short OK is stored, not compressed.
            client.send(0, command(CommandType.COM_PING, ""), true);
            frames.clear();
            List<byte[]> ok = client.readUntil(frames, 1);
            assertThat(frames).singleElement().satisfies(f -> {
                assertThat(f.id()).isEqualTo(1);
                assertThat(f.compressed()).isFalse();
            });
            assertThat(ok.getFirst()[4]).as("OK header").isZero();
        }
    }

    @Test
    void theShutdownErrorStartsAtZero() throws Exception {
        TestOperator closing = TestOperator.start(db);
        CompletableFuture<Void> closed = null;
        try (CompressedClient client = CompressedClient.login(closing.port())) {
            client.send(0, command(CommandType.COM_QUERY, "SELECT 1"), false);
            client.readUntil(new ArrayList<>(), 5);
            closed = CompletableFuture.runAsync(closing::close);
            List<Frame> frames = new ArrayList<>();
            ErrPacket error = client.readError(frames);
            assertThat(error.errorCode()).isEqualTo(1053);
            assertThat(frames).singleElement().extracting(Frame::id).isEqualTo(0);
            assertThat(client.closedByServer()).isTrue();
            closed.get(30, TimeUnit.SECONDS);
        } finally {
            if (closed == null) {
                closing.close();
            }
        }
    }

    @Test
    void corruptCompressedDataIsAReadError() throws Exception {
        try (CompressedClient client = CompressedClient.login(operator.port())) {
            client.sendRaw(frame(0, new byte[] {0x78, (byte) 0x9c, 1, 2, 3, 4, 5, 6}, 100));
            ErrPacket error = client.readError(new ArrayList<>());
            assertThat(error.errorCode()).isEqualTo(1158);
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void aDeclaredLengthOverTheMaximumIsRefusedBeforeItArrives() throws Exception {
        try (CompressedClient client = CompressedClient.login(operator.port())) {
            // A command first, so that the sequence has moved on from the start.
            client.send(0, command(CommandType.COM_QUERY, "SELECT 1"), false);
            client.readUntil(new ArrayList<>(), 5);
            // Only the header: 100 KiB of content announced, over max-packet-size (64 KiB).
            client.sendRaw(Arrays.copyOf(frame(0, new byte[20], 100 * 1024), 7));
            List<Frame> frames = new ArrayList<>();
            ErrPacket error = client.readError(frames);
            assertThat(error.errorCode()).isEqualTo(1153);
            // The refused packet had id 0: the error continues from it, as the reply to that command.
            assertThat(frames).singleElement().extracting(Frame::id).isEqualTo(1);
            assertThat(client.closedByServer()).isTrue();
        }
    }

    private static byte[] command(int command, String body) {
        byte[] text = body.getBytes(UTF_8);
        byte[] payload = new byte[1 + text.length];
        payload[0] = (byte) command;
        System.arraycopy(text, 0, payload, 1, text.length);
        return payload;
    }

    /** A compressed packet with {@code body} as it is and the given uncompressed length. */
    private static byte[] frame(int id, byte[] body, int uncompressedLength) {
        byte[] frame = new byte[7 + body.length];
        writeMedium(frame, 0, body.length);
        frame[3] = (byte) id;
        writeMedium(frame, 4, uncompressedLength);
        System.arraycopy(body, 0, frame, 7, body.length);
        return frame;
    }

    private static void writeMedium(byte[] b, int at, int value) {
        b[at] = (byte) value;
        b[at + 1] = (byte) (value >>> 8);
        b[at + 2] = (byte) (value >>> 16);
    }

    private static int medium(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16;
    }

    /** Logs in as root with CLIENT_COMPRESS over a plain socket, then speaks compressed packets. */
    private static final class CompressedClient implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final ByteArrayOutputStream unread = new ByteArrayOutputStream();

        private CompressedClient(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        static CompressedClient login(int port) throws IOException {
            Socket socket = new Socket();
            socket.setSoTimeout(15_000);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 15_000);
            CompressedClient client = new CompressedClient(socket);
            try {
                HandshakeV10 handshake = HandshakeV10.decode(Unpooled.wrappedBuffer(client.readPlain()), 0);
                assertThat(CapabilityFlags.has(handshake.capabilities(), CLIENT_COMPRESS)).isTrue();
                long caps = RawClient.CAPABILITIES | CLIENT_COMPRESS;
                byte[] auth = NativePassword.response(db.rootPassword().getBytes(UTF_8), handshake.scramble());
                HandshakeResponse41 response = new HandshakeResponse41(caps, 1 << 24, 45, "root", auth, null,
                        NativePassword.NAME, Map.of());
                ByteBuf payload = Unpooled.buffer();
                response.encode(payload, caps);
                byte[] bytes = ByteBufUtil.getBytes(payload);
                payload.release();
                byte[] packet = new byte[4 + bytes.length];
                writeMedium(packet, 0, bytes.length);
                packet[3] = 1;
                System.arraycopy(bytes, 0, packet, 4, bytes.length);
                client.sendRaw(packet);
                // The OK that ends the login is a plain packet; compression starts after it.
                byte[] ok = client.readPlain();
                assertThat(ok[0]).as("login reply %s", ByteBufUtil.hexDump(ok)).isZero();
                return client;
            } catch (IOException | RuntimeException | Error e) {
                client.close();
                throw e;
            }
        }

        private byte[] readPlain() throws IOException {
            byte[] header = readFully(4);
            return readFully(medium(header, 0));
        }

        private byte[] readFully(int n) throws IOException {
            byte[] bytes = in.readNBytes(n);
            if (bytes.length < n) {
                throw new EOFException("connection closed after " + bytes.length + " of " + n + " bytes");
            }
            return bytes;
        }

        void sendRaw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Sends one MySQL packet (sequence id 0) in one compressed packet. */
        void send(int id, byte[] payload, boolean compress) throws IOException {
            byte[] packet = new byte[4 + payload.length];
            writeMedium(packet, 0, payload.length);
            System.arraycopy(payload, 0, packet, 4, payload.length);
            if (!compress) {
                sendRaw(frame(id, packet, 0));
                return;
            }
            Deflater deflater = new Deflater();
            deflater.setInput(packet);
            deflater.finish();
            byte[] body = new byte[packet.length + 64];
            int n = deflater.deflate(body);
            deflater.end();
            sendRaw(frame(id, Arrays.copyOf(body, n), packet.length));
        }

        Frame readFrame() throws IOException {
            byte[] header = readFully(7);
            int length = medium(header, 0);
            int uncompressed = medium(header, 4);
            byte[] body = readFully(length);
            return new Frame(header[3] & 0xFF, uncompressed > 0, 7 + length,
                    uncompressed == 0 ? body : inflate(body, uncompressed));
        }

        /** Reads compressed packets until {@code count} MySQL packets arrived; returns them, headers included. */
        List<byte[]> readUntil(List<Frame> frames, int count) throws IOException {
            List<byte[]> packets = new ArrayList<>();
            while (packets.size() < count) {
                byte[] bytes = unread.toByteArray();
                int at = 0;
                while (packets.size() < count && bytes.length - at >= 4 && bytes.length - at >= 4 + medium(bytes, at)) {
                    packets.add(Arrays.copyOfRange(bytes, at, at + 4 + medium(bytes, at)));
                    at += 4 + medium(bytes, at);
                }
                unread.reset();
                unread.write(bytes, at, bytes.length - at);
                if (packets.size() < count) {
                    Frame frame = readFrame();
                    frames.add(frame);
                    unread.write(frame.content(), 0, frame.content().length);
                }
            }
            return packets;
        }

        ErrPacket readError(List<Frame> frames) throws IOException {
            byte[] packet = readUntil(frames, 1).getFirst();
            assertThat(packet[3]).as("sequence id of the ERR packet").isZero();
            return ErrPacket.decode(Unpooled.wrappedBuffer(packet, 4, packet.length - 4), CapabilityFlags.CLIENT_PROTOCOL_41);
        }

        boolean closedByServer() throws IOException {
            try {
                return in.read() < 0;
            } catch (SocketException reset) {
                return true;
            }
        }

        private static byte[] inflate(byte[] body, int length) {
            Inflater inflater = new Inflater();
            try {
                inflater.setInput(body);
                byte[] out = new byte[length];
                int n = 0;
                while (n < length) {
                    int k = inflater.inflate(out, n, length - n);
                    if (k == 0 && inflater.needsInput()) {
                        throw new AssertionError("zlib stream ended after " + n + " of " + length + " bytes");
                    }
                    n += k;
                }
                return out;
            } catch (DataFormatException e) {
                throw new AssertionError(e);
            } finally {
                inflater.end();
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}

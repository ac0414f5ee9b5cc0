package io.fluxdb.engine.mysql.frontend;

import static io.fluxdb.protocol.constant.CapabilityFlags.*;
import static io.fluxdb.protocol.constant.CommandType.*;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.fluxdb.protocol.auth.NativePassword;
import io.fluxdb.protocol.message.client.HandshakeResponse41;
import io.fluxdb.protocol.message.client.SslRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.Deflater;

/**
 * The fuzzer's inputs: well-formed packets of both phases (handshake responses, SSLRequest, auth data,
 * every command) as seeds, and the mutations applied to them (bit flips, interesting bytes, wrong
 * lengths and sequence ids, truncation, insertion, deletion, duplication). Everything is drawn from
 * one {@link Random}, so a seed and an input number replay the same bytes.
 */
final class FuzzInputs {
    /** Byte values that decoders treat specially: length-encoded prefixes, headers, signs. */
    private static final int[] INTERESTING = {0x00, 0x01, 0x7f, 0x80, 0xfb, 0xfc, 0xfd, 0xfe, 0xff};

    private FuzzInputs() {}

    /** Seeds of the command phase: one payload each, sent with sequence id 0. */
    static List<byte[]> commands(String password, byte[] scramble) {
        List<byte[]> seeds = new ArrayList<>();
        for (String sql : new String[] {"SELECT 1", "SELECT @@version, CONNECTION_ID()", "SET NAMES latin1",
                "SELECT 1; SELECT 2", "BEGIN", "ROLLBACK", "KILL QUERY 1", "SHOW PROCESSLIST", "DO SLEEP(0.01)",
                "SELECT REPEAT('x', 70000)", "LOAD DATA LOCAL INFILE '/etc/hostname' INTO TABLE t", "USE mysql"}) {
            seeds.add(command(COM_QUERY, sql.getBytes(UTF_8)));
        }
        seeds.add(command(COM_PING, new byte[0]));
        seeds.add(command(COM_STATISTICS, new byte[0]));
        seeds.add(command(COM_INIT_DB, "mysql".getBytes(UTF_8)));
        seeds.add(command(COM_FIELD_LIST, "user\0".getBytes(UTF_8)));
        seeds.add(command(COM_STMT_PREPARE, "SELECT ? + 1".getBytes(UTF_8)));
        seeds.add(hex("1701000000000100000000010300010000000000000000"));  // COM_STMT_EXECUTE id 1, one BIGINT
        seeds.add(hex("1901000000"));                                      // COM_STMT_CLOSE
        seeds.add(hex("1a01000000"));                                      // COM_STMT_RESET
        seeds.add(hex("1801000000000061626364"));                          // COM_STMT_SEND_LONG_DATA
        seeds.add(hex("1c0100000010000000"));                              // COM_STMT_FETCH
        seeds.add(hex("fa0100000000000100000000"));                        // COM_STMT_BULK_EXECUTE
        seeds.add(hex("1b0000"));                                          // COM_SET_OPTION multi-statements on
        seeds.add(command(COM_RESET_CONNECTION, new byte[0]));
        seeds.add(command(COM_PROCESS_KILL, hex("01000000")));
        seeds.add(command(COM_DEBUG, new byte[0]));
        seeds.add(hex("99"));                                              // no such command
        ByteArrayOutputStream change = new ByteArrayOutputStream();
        change.writeBytes(hex("11726f6f740014"));
        change.writeBytes(NativePassword.response(password.getBytes(UTF_8), scramble));
        change.writeBytes(hex("002d006d7973716c5f6e61746976655f70617373776f726400"));
        seeds.add(change.toByteArray());
        seeds.add(hex("116e6f73756368757365720014" + "41".repeat(20)
                + "002d0063616368696e675f736861325f70617373776f726400"));
        return seeds;
    }

    /** Seeds of the connection phase: payloads sent with sequence id 1, answering the handshake's scramble. */
    static List<byte[]> logins(String password, byte[] scramble, boolean tls) {
        long caps = RawClient.CAPABILITIES | CLIENT_CONNECT_ATTRS | (tls ? CLIENT_SSL : 0);
        List<byte[]> seeds = new ArrayList<>();
        byte[] auth = NativePassword.response(password.getBytes(UTF_8), scramble);
        seeds.add(encode(new HandshakeResponse41(caps, 1 << 24, 45, "root", auth, null, NativePassword.NAME,
                Map.of("_client_name", "fuzz")), caps));
        seeds.add(encode(new HandshakeResponse41(caps | CLIENT_CONNECT_WITH_DB, 1 << 24, 8, "root", auth, "mysql",
                "caching_sha2_password", Map.of()), caps | CLIENT_CONNECT_WITH_DB));
        seeds.add(encode(new HandshakeResponse41(caps, 1 << 24, 33, "nosuchuser", new byte[20], null,
                "client_ed25519", Map.of()), caps));
        if (!tls) {
            ByteBuf ssl = Unpooled.buffer();
            new SslRequest(caps | CLIENT_SSL, 1 << 24, 45).encode(ssl, caps | CLIENT_SSL);
            seeds.add(ByteBufUtil.getBytes(ssl));
        }
        return seeds;
    }

    /** 1 to 3 seeds framed as packets (continuing sequence ids from {@code firstId}), then mutated. */
    static byte[] mutated(Random random, List<byte[]> seeds, int firstId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int packets = 1 + random.nextInt(3);
        for (int i = 0; i < packets; i++) {
            // After a command, a further packet is a pipelined command (id 0) or continues the exchange.
            int id = i == 0 ? firstId : (random.nextBoolean() ? firstId : firstId + i);
            out.writeBytes(RawClient.frame(id & 0xFF, seeds.get(random.nextInt(seeds.size()))));
        }
        byte[] bytes = out.toByteArray();
        int mutations = random.nextInt(5);
        for (int m = 0; m < mutations; m++) {
            bytes = mutate(random, bytes);
        }
        return bytes;
    }

    private static byte[] mutate(Random random, byte[] in) {
        if (in.length == 0) {
            return new byte[] {(byte) random.nextInt(256)};
        }
        byte[] b = in.clone();
        int at = random.nextInt(b.length);
        switch (random.nextInt(9)) {
            case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
            case 1 -> b[at] = (byte) INTERESTING[random.nextInt(INTERESTING.length)];
            case 2 -> b[at] = (byte) random.nextInt(256);
            case 3 -> b[3] = (byte) random.nextInt(256);                                 // first sequence id
            case 4 -> {                                                                  // first length field
                int length = switch (random.nextInt(4)) {
                    case 0 -> 0xFFFFFF;
                    case 1 -> Math.max(0, (b[0] & 0xFF) + random.nextInt(5) - 2);
                    case 2 -> 0;
                    default -> random.nextInt(1 << 24);
                };
                b[0] = (byte) length;
                b[1] = (byte) (length >>> 8);
                b[2] = (byte) (length >>> 16);
            }
            case 5 -> b = java.util.Arrays.copyOf(b, at);                                 // truncate
            case 6 -> {                                                                  // insert random bytes
                byte[] extra = new byte[1 + random.nextInt(16)];
                random.nextBytes(extra);
                b = splice(b, at, 0, extra);
            }
            case 7 -> b = splice(b, at, Math.min(b.length - at, 1 + random.nextInt(8)), new byte[0]);
            default -> b = splice(b, at, 0, java.util.Arrays.copyOfRange(b, at, Math.min(b.length, at + 1 + random.nextInt(32))));
        }
        return b;
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }

    /**
     * Wraps {@code packets} in one compressed packet (CLIENT_COMPRESS), zlib-compressed or stored, with compressed
     * sequence id {@code id}; the fuzzer mutates some inputs after wrapping, to reach the inflater with bad data.
     */
    static byte[] compressed(Random random, byte[] packets, int id) {
        boolean deflate = random.nextBoolean();
        byte[] body = packets;
        if (deflate) {
            Deflater deflater = new Deflater();
            deflater.setInput(packets);
            deflater.finish();
            byte[] buf = new byte[packets.length + 64];
            int n = deflater.deflate(buf);
            deflater.end();
            body = java.util.Arrays.copyOf(buf, n);
        }
        byte[] out = new byte[7 + body.length];
        out[0] = (byte) body.length;
        out[1] = (byte) (body.length >>> 8);
        out[2] = (byte) (body.length >>> 16);
        out[3] = (byte) id;
        int raw = deflate ? packets.length : 0;
        out[4] = (byte) raw;
        out[5] = (byte) (raw >>> 8);
        out[6] = (byte) (raw >>> 16);
        System.arraycopy(body, 0, out, 7, body.length);
        return random.nextInt(4) == 0 ? mutate(random, out) : out;
    }

    /** {@code packets} in one uncompressed ("stored") compressed packet with compressed sequence id {@code id}. */
    static byte[] stored(byte[] packets, int id) {
        byte[] out = new byte[7 + packets.length];
        out[0] = (byte) packets.length;
        out[1] = (byte) (packets.length >>> 8);
        out[2] = (byte) (packets.length >>> 16);
        out[3] = (byte) id;
        System.arraycopy(packets, 0, out, 7, packets.length);
        return out;
    }

    private static byte[] command(int type, byte[] body) {
        return RawClient.command(type, body);
    }

    private static byte[] encode(HandshakeResponse41 response, long caps) {
        ByteBuf buf = Unpooled.buffer();
        response.encode(buf, caps);
        return ByteBufUtil.getBytes(buf);
    }

    private static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s);
    }
}

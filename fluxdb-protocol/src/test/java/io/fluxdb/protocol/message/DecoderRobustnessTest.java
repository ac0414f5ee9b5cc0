package io.fluxdb.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.fluxdb.protocol.Fixtures;
import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.codec.PacketFrameDecoder;
import io.fluxdb.protocol.message.client.AuthSwitchResponse;
import io.fluxdb.protocol.message.client.HandshakeResponse41;
import io.fluxdb.protocol.message.client.SslRequest;
import io.fluxdb.protocol.message.server.AuthMoreData;
import io.fluxdb.protocol.message.server.AuthSwitchRequest;
import io.fluxdb.protocol.message.server.EofPacket;
import io.fluxdb.protocol.message.server.ErrPacket;
import io.fluxdb.protocol.message.server.HandshakeV10;
import io.fluxdb.protocol.message.server.OkPacket;
import io.fluxdb.protocol.message.server.ProgressReport;
import io.fluxdb.protocol.message.server.SessionStateChange;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Corrupted and truncated captures fed to every decoder: the only allowed outcomes are a decoded
 * message or a {@link ProtocolException}.
 */
class DecoderRobustnessTest {
    private static final long SEED = 0x5eed_f1d8L;
    private static final int ROUNDS = 2000;
    private static final long ALL_CAPS = 0x1dL << 32 | 0xFFFF_FFFEL;

    private static final List<String> FIXTURES = List.of("handshake-v10", "handshake-response41-cli",
            "handshake-response41-connectorj", "ssl-request", "auth-switch-request", "auth-switch-response",
            "ok-plain", "ok-session-track-schema", "ok-session-track-variables", "ok-session-track-autocommit",
            "ok-info", "ok-eof-terminator", "err-access-denied", "eof");

    private static final List<BiFunction<ByteBuf, Long, Object>> DECODERS = List.of(
            HandshakeV10::decode, HandshakeResponse41::decode, SslRequest::decode, AuthSwitchResponse::decode,
            AuthSwitchRequest::decode, AuthMoreData::decode, OkPacket::decode, ErrPacket::decode,
            EofPacket::decode, ProgressReport::decode,
            (buf, caps) -> {
                OkPacket ok = OkPacket.decode(buf, caps);
                return ok.sessionStateChanges().stream().map(c -> switch (c.type()) {
                    case 0 -> c.systemVariable();
                    case 1 -> c.schema();
                    case 3 -> c.gtids();
                    default -> c;
                }).toList();
            },
            (buf, caps) -> SessionStateChange.parseAll(buf));

    static byte[] mutate(Random random, byte[] original) {
        byte[] b = original.clone();
        switch (random.nextInt(4)) {
            case 0 -> {
                for (int i = random.nextInt(4) + 1; i > 0 && b.length > 0; i--) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> b = Arrays.copyOf(b, b.length == 0 ? 0 : random.nextInt(b.length));
            case 2 -> {
                if (b.length > 0) {
                    // Length-like bytes: the values most likely to confuse length prefixes.
                    int[] nasty = {0x00, 0xfb, 0xfc, 0xfd, 0xfe, 0xff};
                    b[random.nextInt(b.length)] = (byte) nasty[random.nextInt(nasty.length)];
                }
            }
            default -> {
                byte[] extra = new byte[random.nextInt(8)];
                random.nextBytes(extra);
                b = Arrays.copyOf(b, b.length + extra.length);
                System.arraycopy(extra, 0, b, b.length - extra.length, extra.length);
            }
        }
        return b;
    }

    @Test
    void corruptedPayloadsOnlyEverFailWithProtocolException() {
        Random random = new Random(SEED);
        int decoded = 0;
        int rejected = 0;
        for (int round = 0; round < ROUNDS; round++) {
            byte[] packet = Fixtures.bytes(FIXTURES.get(random.nextInt(FIXTURES.size())));
            byte[] input = mutate(random, Arrays.copyOfRange(packet, 4, packet.length));
            long caps = random.nextBoolean() ? ALL_CAPS : random.nextLong();
            for (BiFunction<ByteBuf, Long, Object> decoder : DECODERS) {
                ByteBuf buf = Unpooled.wrappedBuffer(input);
                try {
                    decoder.apply(buf, caps);
                    decoded++;
                } catch (ProtocolException e) {
                    rejected++;
                } catch (RuntimeException e) {
                    fail("round " + round + ": " + e + " for input " + io.netty.buffer.ByteBufUtil.hexDump(input), e);
                } finally {
                    buf.release();
                }
            }
        }
        assertThat(decoded).isPositive();
        assertThat(rejected).isPositive();
    }

    @Test
    void corruptedStreamsOnlyEverFailWithProtocolExceptionAndLeakNothing() {
        Random random = new Random(SEED + 1);
        for (int round = 0; round < ROUNDS; round++) {
            byte[] stream = Fixtures.bytes(FIXTURES.get(random.nextInt(FIXTURES.size())));
            stream = mutate(random, stream);
            EmbeddedChannel ch = new EmbeddedChannel(new PacketFrameDecoder(random.nextInt(200)));
            try {
                int pos = 0;
                while (pos < stream.length) {
                    int n = Math.min(stream.length - pos, 1 + random.nextInt(16));
                    ch.writeInbound(Unpooled.wrappedBuffer(stream, pos, n));
                    pos += n;
                }
                ch.finish();
            } catch (ProtocolException e) {
                // expected for corrupted, truncated or oversized input
            } catch (RuntimeException e) {
                fail("round " + round + ": " + e, e);
            } finally {
                for (Object o; (o = ch.readInbound()) != null; ) {
                    ReferenceCountUtil.release(o);
                }
                ch.finishAndReleaseAll();
            }
        }
    }
}

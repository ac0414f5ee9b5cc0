package io.fluxdb.protocol.message;

import io.fluxdb.protocol.Fixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.function.Consumer;

/** Payloads of the captured packets (the 4-byte packet header removed) and an encoding helper. */
public final class MessageFixtures {
    private MessageFixtures() {}

    public static byte[] payload(String name) {
        byte[] packet = Fixtures.bytes(name);
        return Arrays.copyOfRange(packet, 4, packet.length);
    }

    public static ByteBuf payloadBuf(String name) {
        return Unpooled.wrappedBuffer(payload(name));
    }

    public static byte[] encode(Consumer<ByteBuf> encoder) {
        ByteBuf out = Unpooled.buffer();
        try {
            encoder.accept(out);
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    public static byte[] hex(String hex) {
        return ByteBufUtil.decodeHexDump(hex.replace(" ", ""));
    }
}

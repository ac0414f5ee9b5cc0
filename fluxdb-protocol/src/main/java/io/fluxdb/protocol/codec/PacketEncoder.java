package io.fluxdb.protocol.codec;

import static io.fluxdb.protocol.codec.PacketFrameDecoder.HEADER_LENGTH;
import static io.fluxdb.protocol.codec.PacketFrameDecoder.MAX_PHYSICAL_PAYLOAD;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes {@link Packet}s: a 3-byte little-endian length and the sequence id before each physical
 * packet. Payloads of {@value PacketFrameDecoder#MAX_PHYSICAL_PAYLOAD} bytes or more are split, with
 * consecutive sequence ids; a payload that is an exact multiple of that length gets an empty
 * trailing packet, so the peer knows it has ended. The payload is not copied.
 *
 * @see <a href="https://mariadb.com/kb/en/0-packet/#packet-splitting">Packet splitting</a>
 */
@Sharable
public class PacketEncoder extends MessageToMessageEncoder<Packet> {
    public PacketEncoder() {
        super(Packet.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Packet packet, List<Object> out) {
        ByteBuf payload = packet.content();
        int sequenceId = packet.sequenceId();
        int index = payload.readerIndex();
        int remaining = payload.readableBytes();
        while (true) {
            int chunk = Math.min(remaining, MAX_PHYSICAL_PAYLOAD);
            ByteBuf header = ctx.alloc().buffer(HEADER_LENGTH)
                    .writeMediumLE(chunk)
                    .writeByte(sequenceId);
            out.add(header);
            if (chunk > 0) {
                out.add(payload.retainedSlice(index, chunk));
            }
            index += chunk;
            remaining -= chunk;
            sequenceId = (sequenceId + 1) & 0xFF;
            if (chunk < MAX_PHYSICAL_PAYLOAD) {
                break;
            }
        }
    }
}

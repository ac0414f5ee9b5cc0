package io.fluxdb.protocol.message.server;

import static io.fluxdb.protocol.constant.CapabilityFlags.MARIADB_CLIENT_CACHE_METADATA;

import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.constant.CapabilityFlags;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;

/**
 * The first packet of a result set. Under MARIADB_CLIENT_CACHE_METADATA a flag byte follows the
 * count: 0 means the column definitions are skipped because the client cached them from the
 * previous execute of the same statement.
 *
 * @see <a href="https://mariadb.com/kb/en/result-set-packets/#column-count-packet">Column count packet</a>
 */
public record ColumnCount(long count, boolean metadataFollows) implements ServerMessage {
    public ColumnCount {
        if (count < 1) {
            throw new IllegalArgumentException("count: " + count + " (expected: >= 1)");
        }
    }

    public ColumnCount(long count) {
        this(count, true);
    }

    public static ColumnCount decode(ByteBuf payload, long capabilities) {
        long count = Wire.readLenEncInt(payload);
        if (count < 1 || count > 0xFFFF) {
            throw new ProtocolException("column count: " + Long.toUnsignedString(count) + " (expected: 1..65535)");
        }
        boolean follows = true;
        if (CapabilityFlags.has(capabilities, MARIADB_CLIENT_CACHE_METADATA)) {
            int flag = Wire.readUInt8(payload, "metadata follows");
            if (flag > 1) {
                throw new ProtocolException("metadata follows: " + flag + " (expected: 0 or 1)");
            }
            follows = flag == 1;
        }
        if (payload.isReadable()) {
            throw new ProtocolException("column count: " + payload.readableBytes() + " trailing bytes (expected: 0)");
        }
        return new ColumnCount(count, follows);
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        Wire.writeLenEncInt(out, count);
        if (CapabilityFlags.has(capabilities, MARIADB_CLIENT_CACHE_METADATA)) {
            out.writeByte(metadataFollows ? 1 : 0);
        } else if (!metadataFollows) {
            throw new IllegalStateException("skipped metadata needs MARIADB_CLIENT_CACHE_METADATA");
        }
    }
}

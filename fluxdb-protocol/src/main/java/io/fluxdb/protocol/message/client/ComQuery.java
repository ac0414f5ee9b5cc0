package io.fluxdb.protocol.message.client;

import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.constant.CapabilityFlags;
import io.fluxdb.protocol.constant.CommandType;
import io.fluxdb.protocol.wire.BinaryValues;
import io.fluxdb.protocol.wire.NullBitmap;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * A text-protocol query. With CLIENT_QUERY_ATTRIBUTES (MySQL 8 only; MariaDB never sets it) the
 * query is preceded by named, typed attributes.
 *
 * @see <a href="https://mariadb.com/kb/en/com_query/">COM_QUERY</a>
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query.html">COM_QUERY (MySQL)</a>
 */
public record ComQuery(String query, List<QueryAttribute> attributes) implements ClientMessage {
    public ComQuery {
        requireNonNull(query, "query is null");
        attributes = List.copyOf(requireNonNull(attributes, "attributes is null"));
    }

    public ComQuery(String query) {
        this(query, List.of());
    }

    public static ComQuery decode(ByteBuf payload, long capabilities) {
        Commands.expectCommand(payload, CommandType.COM_QUERY);
        List<QueryAttribute> attributes = List.of();
        if (CapabilityFlags.has(capabilities, CapabilityFlags.CLIENT_QUERY_ATTRIBUTES)) {
            attributes = readAttributes(payload);
        }
        return new ComQuery(Wire.readEofString(payload), attributes);
    }

    private static List<QueryAttribute> readAttributes(ByteBuf payload) {
        long count = Wire.readLenEncInt(payload);
        long sets = Wire.readLenEncInt(payload);
        if (sets != 1) {
            throw new ProtocolException("query attribute parameter_set_count: " + sets + " (expected: 1)");
        }
        if (count == 0) {
            return List.of();
        }
        // Each attribute needs at least a 2-byte type and a 1-byte name length.
        if (count < 0 || count > payload.readableBytes() / 3) {
            throw new ProtocolException("query attribute count: " + count + " exceeds the " + payload.readableBytes() + " bytes left");
        }
        int n = (int) count;
        byte[] nulls = Wire.readFixedBytes(payload, NullBitmap.size(n, 0), "query attribute null bitmap");
        int bound = Wire.readUInt8(payload, "new_params_bind_flag");
        if (bound != 1) {
            throw new ProtocolException("query attribute new_params_bind_flag: " + bound + " (expected: 1)");
        }
        List<ParamType> types = new ArrayList<>(n);
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            types.add(ParamType.read(payload));
            names.add(Wire.readLenEncString(payload));
        }
        List<QueryAttribute> attributes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Object value = NullBitmap.isNull(nulls, i, 0) ? null : BinaryValues.read(payload, types.get(i).type(), types.get(i).unsigned());
            attributes.add(new QueryAttribute(names.get(i), types.get(i), value));
        }
        return attributes;
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        out.writeByte(CommandType.COM_QUERY);
        if (CapabilityFlags.has(capabilities, CapabilityFlags.CLIENT_QUERY_ATTRIBUTES)) {
            Wire.writeLenEncInt(out, attributes.size());
            Wire.writeLenEncInt(out, 1);
            if (!attributes.isEmpty()) {
                byte[] nulls = new byte[NullBitmap.size(attributes.size(), 0)];
                for (int i = 0; i < attributes.size(); i++) {
                    if (attributes.get(i).value() == null) {
                        NullBitmap.setNull(nulls, i, 0);
                    }
                }
                out.writeBytes(nulls).writeByte(1);
                for (QueryAttribute a : attributes) {
                    a.type().write(out);
                    Wire.writeLenEncString(out, a.name());
                }
                for (QueryAttribute a : attributes) {
                    if (a.value() != null) {
                        BinaryValues.write(out, a.type().type(), a.value());
                    }
                }
            }
        } else if (!attributes.isEmpty()) {
            throw new IllegalStateException("query attributes need CLIENT_QUERY_ATTRIBUTES");
        }
        out.writeCharSequence(query, java.nio.charset.StandardCharsets.UTF_8);
    }
}

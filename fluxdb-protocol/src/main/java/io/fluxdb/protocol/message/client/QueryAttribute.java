package io.fluxdb.protocol.message.client;

import static java.util.Objects.requireNonNull;

/**
 * A MySQL 8 query attribute sent with COM_QUERY under CLIENT_QUERY_ATTRIBUTES. {@code value} follows
 * the {@link io.fluxdb.protocol.wire.BinaryValues} model and is {@code null} for SQL NULL.
 */
public record QueryAttribute(String name, ParamType type, Object value) {
    public QueryAttribute {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
    }
}

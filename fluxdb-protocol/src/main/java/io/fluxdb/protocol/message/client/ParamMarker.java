package io.fluxdb.protocol.message.client;

/**
 * Parameter values that are not values: they stand in a parameter list where the wire carries no
 * value. SQL NULL is {@code null} in those lists.
 */
public enum ParamMarker {
    /** The value was sent beforehand with COM_STMT_SEND_LONG_DATA. */
    LONG_DATA,
    /** COM_STMT_BULK_EXECUTE indicator 2: use the column default. */
    DEFAULT,
    /** COM_STMT_BULK_EXECUTE indicator 3: ignore the value (UPDATE leaves the column unchanged). */
    IGNORE
}

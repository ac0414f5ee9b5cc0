package io.fluxdb.protocol.message.server;

import static io.fluxdb.protocol.constant.CapabilityFlags.MARIADB_CLIENT_EXTENDED_METADATA;
import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.constant.CapabilityFlags;
import io.fluxdb.protocol.constant.ColumnFlags;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Objects;

/**
 * The definition of one result-set column or statement parameter.
 *
 * @param dataTypeName MariaDB extended metadata: the data type name (e.g. "point"), empty if none
 * @param format MariaDB extended metadata: the format (e.g. "json", "uuid"), empty if none
 * @param columnLength maximum length in bytes (unsigned 32-bit)
 * @param type a {@link io.fluxdb.protocol.constant.ColumnType}
 * @param flags {@link ColumnFlags}
 * @param fieldListDefault COM_FIELD_LIST only: the raw length-encoded default value that follows
 *     the fixed fields (0xFB for none); empty in result sets
 * @see <a href="https://mariadb.com/kb/en/result-set-packets/#column-definition-packet">Column definition packet</a>
 */
public record ColumnDefinition41(String catalog, String schema, String table, String orgTable, String name,
                                 String orgName, String dataTypeName, String format, int charset, long columnLength,
                                 int type, int flags, int decimals, byte[] fieldListDefault) implements ServerMessage {
    /** Length of the fixed-length fields, always 0x0c. */
    public static final int FIXED_LENGTH = 0x0c;
    private static final int EXT_TYPE_NAME = 0;
    private static final int EXT_FORMAT = 1;

    public ColumnDefinition41 {
        requireNonNull(catalog, "catalog is null");
        requireNonNull(schema, "schema is null");
        requireNonNull(table, "table is null");
        requireNonNull(orgTable, "orgTable is null");
        requireNonNull(name, "name is null");
        requireNonNull(orgName, "orgName is null");
        requireNonNull(dataTypeName, "dataTypeName is null");
        requireNonNull(format, "format is null");
        fieldListDefault = requireNonNull(fieldListDefault, "fieldListDefault is null").clone();
    }

    /** A result-set column without extended metadata. */
    public ColumnDefinition41(String catalog, String schema, String table, String orgTable, String name, String orgName,
                              int charset, long columnLength, int type, int flags, int decimals) {
        this(catalog, schema, table, orgTable, name, orgName, "", "", charset, columnLength, type, flags, decimals, new byte[0]);
    }

    public boolean isUnsigned() {
        return (flags & ColumnFlags.UNSIGNED_FLAG) != 0;
    }

    public static ColumnDefinition41 decode(ByteBuf payload, long capabilities) {
        requireNonNull(payload, "payload is null");
        String catalog = Wire.readLenEncString(payload);
        String schema = Wire.readLenEncString(payload);
        String table = Wire.readLenEncString(payload);
        String orgTable = Wire.readLenEncString(payload);
        String name = Wire.readLenEncString(payload);
        String orgName = Wire.readLenEncString(payload);
        String typeName = "";
        String format = "";
        if (CapabilityFlags.has(capabilities, MARIADB_CLIENT_EXTENDED_METADATA)) {
            ByteBuf ext = Wire.readLenEncSlice(payload);
            while (ext.isReadable()) {
                int kind = Wire.readUInt8(ext, "extended metadata type");
                String value = Wire.readLenEncString(ext);
                switch (kind) {
                    case EXT_TYPE_NAME -> typeName = value;
                    case EXT_FORMAT -> format = value;
                    default -> throw new ProtocolException("extended metadata type: " + kind + " (expected: 0 or 1)");
                }
            }
        }
        long fixed = Wire.readLenEncInt(payload);
        if (fixed != FIXED_LENGTH) {
            throw new ProtocolException("column definition fixed length: " + fixed + " (expected: 12)");
        }
        Wire.need(payload, FIXED_LENGTH, "column definition fixed fields");
        int charset = payload.readUnsignedShortLE();
        long length = payload.readUnsignedIntLE();
        int type = payload.readUnsignedByte();
        int flags = payload.readUnsignedShortLE();
        int decimals = payload.readUnsignedByte();
        payload.skipBytes(2);
        byte[] trailer = Wire.readEofBytes(payload);
        return new ColumnDefinition41(catalog, schema, table, orgTable, name, orgName, typeName, format, charset, length,
                type, flags, decimals, trailer);
    }

    @Override
    public byte[] fieldListDefault() {
        return fieldListDefault.clone();
    }

    @Override
    public void encode(ByteBuf out, long capabilities) {
        Wire.writeLenEncString(out, catalog);
        Wire.writeLenEncString(out, schema);
        Wire.writeLenEncString(out, table);
        Wire.writeLenEncString(out, orgTable);
        Wire.writeLenEncString(out, name);
        Wire.writeLenEncString(out, orgName);
        if (CapabilityFlags.has(capabilities, MARIADB_CLIENT_EXTENDED_METADATA)) {
            ByteBuf ext = Unpooled.buffer();
            try {
                if (!dataTypeName.isEmpty()) {
                    ext.writeByte(EXT_TYPE_NAME);
                    Wire.writeLenEncString(ext, dataTypeName);
                }
                if (!format.isEmpty()) {
                    ext.writeByte(EXT_FORMAT);
                    Wire.writeLenEncString(ext, format);
                }
                Wire.writeLenEncInt(out, ext.readableBytes());
                out.writeBytes(ext);
            } finally {
                ext.release();
            }
        }
        Wire.writeLenEncInt(out, FIXED_LENGTH);
        out.writeShortLE(charset).writeIntLE((int) columnLength).writeByte(type).writeShortLE(flags).writeByte(decimals)
                .writeShort(0).writeBytes(fieldListDefault);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ColumnDefinition41 c && catalog.equals(c.catalog) && schema.equals(c.schema)
                && table.equals(c.table) && orgTable.equals(c.orgTable) && name.equals(c.name) && orgName.equals(c.orgName)
                && dataTypeName.equals(c.dataTypeName) && format.equals(c.format) && charset == c.charset
                && columnLength == c.columnLength && type == c.type && flags == c.flags && decimals == c.decimals
                && Arrays.equals(fieldListDefault, c.fieldListDefault);
    }

    @Override
    public int hashCode() {
        return Objects.hash(catalog, schema, table, orgTable, name, orgName, dataTypeName, format, charset, columnLength,
                type, flags, decimals, Arrays.hashCode(fieldListDefault));
    }

    @Override
    public String toString() {
        return "ColumnDefinition41[" + schema + "." + table + "." + name + " (" + orgTable + "." + orgName + "), type=" + type
                + (dataTypeName.isEmpty() ? "" : ", dataTypeName=" + dataTypeName) + (format.isEmpty() ? "" : ", format=" + format)
                + ", charset=" + charset + ", columnLength=" + columnLength + ", flags=0x" + Integer.toHexString(flags)
                + ", decimals=" + decimals + (fieldListDefault.length == 0 ? "" : ", fieldListDefault=" + Arrays.toString(fieldListDefault)) + "]";
    }
}

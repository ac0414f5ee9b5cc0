package io.fluxdb.engine.mysql.snapshot;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Writes {@link DumpFormat} records to a stream, buffered. */
final class DumpOutput {
    private final DataOutputStream out;

    DumpOutput(OutputStream target) {
        this.out = new DataOutputStream(new BufferedOutputStream(target, 1 << 16));
    }

    void header(String engineVersion, int bookkeepingVersion) throws IOException {
        out.write(DumpFormat.MAGIC);
        out.writeByte(DumpFormat.VERSION);
        string(engineVersion);
        out.writeInt(bookkeepingVersion);
    }

    void statement(DumpStatement s) throws IOException {
        out.writeByte(DumpFormat.STATEMENT);
        out.writeByte(s.kind());
        string(s.schema());
        string(s.sqlMode());
        string(s.timeZone());
        string(s.sql());
    }

    void tableStart(String schema, String table, List<String> columns) throws IOException {
        out.writeByte(DumpFormat.TABLE);
        string(schema);
        string(table);
        out.writeShort(columns.size());
        for (String column : columns) {
            string(column);
        }
    }

    /** One row; {@code null} elements are NULL. */
    void row(byte[][] values) throws IOException {
        out.writeByte(DumpFormat.ROW);
        for (byte[] value : values) {
            if (value == null) {
                out.writeInt(-1);
            } else {
                out.writeInt(value.length);
                out.write(value);
            }
        }
    }

    void tableEnd(long rows) throws IOException {
        out.writeByte(DumpFormat.TABLE_END);
        out.writeLong(rows);
    }

    void end(long rows) throws IOException {
        out.writeByte(DumpFormat.END);
        out.writeLong(rows);
        out.flush();
    }

    private void string(String value) throws IOException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }
}

package io.fluxdb.engine.mysql.snapshot;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Reads {@link DumpFormat} records; a stream that ends inside a record or before END fails with EOFException. */
final class DumpInput {
    /** Larger than any value the engine can hold (LONGBLOB is 4 GiB, but one packet carries at most 1 GiB). */
    private static final int MAX_VALUE = 1 << 30;
    private final DataInputStream in;

    DumpInput(InputStream source) {
        this.in = new DataInputStream(new BufferedInputStream(source, 1 << 16));
    }

    /** Reads and checks the header; returns the bookkeeping schema version it names. */
    int header() throws IOException {
        byte[] magic = new byte[DumpFormat.MAGIC.length];
        in.readFully(magic);
        if (!Arrays.equals(magic, DumpFormat.MAGIC)) {
            throw new IOException("not a FluxDB MySQL dump (it starts with " + printable(magic) + ")");
        }
        int version = in.readUnsignedByte();
        if (version != DumpFormat.VERSION) {
            throw new IOException("dump format version " + version + " (expected: " + DumpFormat.VERSION + ")");
        }
        string(); // engine version, for people reading the dump
        return in.readInt();
    }

    int type() throws IOException {
        return in.readUnsignedByte();
    }

    int unsignedByte() throws IOException {
        return in.readUnsignedByte();
    }

    int unsignedShort() throws IOException {
        return in.readUnsignedShort();
    }

    long longValue() throws IOException {
        return in.readLong();
    }

    String string() throws IOException {
        return new String(bytes(in.readInt()), StandardCharsets.UTF_8);
    }

    /** A column value, {@code null} for NULL. */
    byte[] value() throws IOException {
        int length = in.readInt();
        return length == -1 ? null : bytes(length);
    }

    private byte[] bytes(int length) throws IOException {
        if (length < 0 || length > MAX_VALUE) {
            throw new IOException("damaged dump: a field of " + length + " bytes");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    private static String printable(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) {
            text.append(b >= 0x20 && b < 0x7F ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xFF));
        }
        return text.toString();
    }

    static EOFException cutShort() {
        return new EOFException("the dump ended before its END record (cut short)");
    }
}

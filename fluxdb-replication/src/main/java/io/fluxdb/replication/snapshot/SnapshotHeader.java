package io.fluxdb.replication.snapshot;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * What a snapshot stream starts with: the log position its engine dump holds (every entry up to {@code index}
 * applied, none after it), so the node that installs it continues the log at {@code index + 1}. The engine's dump
 * follows, in the engine's own format.
 *
 * <p>Format: 6 bytes {@code FXSNAP}, a version byte (1), the term and the index of the entry at the watermark (8 bytes
 * each, big-endian).
 *
 * @param term the term of the entry at {@code index}
 * @param index the applied watermark the dump holds
 */
public record SnapshotHeader(long term, long index) {
    private static final byte[] MAGIC = {'F', 'X', 'S', 'N', 'A', 'P'};
    private static final int VERSION = 1;

    public SnapshotHeader {
        if (term < 0 || index < 0) {
            throw new IllegalArgumentException("term " + term + ", index " + index + " (expected: >= 0)");
        }
    }

    /** Writes the header; the caller writes the engine dump after it. */
    public void write(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.write(MAGIC);
        data.writeByte(VERSION);
        data.writeLong(term);
        data.writeLong(index);
        data.flush();
    }

    /** Reads a header, leaving {@code in} at the first byte of the engine dump. */
    public static SnapshotHeader read(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] magic = new byte[MAGIC.length];
        data.readFully(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException("not a FluxDB snapshot stream");
        }
        int version = data.readUnsignedByte();
        if (version != VERSION) {
            throw new IOException("snapshot stream version " + version + " (expected: " + VERSION + ")");
        }
        return new SnapshotHeader(data.readLong(), data.readLong());
    }
}

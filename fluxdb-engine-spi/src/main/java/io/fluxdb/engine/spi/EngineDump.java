package io.fluxdb.engine.spi;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A consistent point in an engine's data, taken by {@link Engine#beginDump()} and written out later by
 * {@link #writeTo}. Between the two the engine keeps a transaction open; writes that commit meanwhile are not part of
 * the dump. {@link #close()} ends the transaction, whether or not the dump was written.
 */
public interface EngineDump extends AutoCloseable {

    /**
     * Streams the dump to {@code out} in a format {@link Engine#restore} reads, without holding the whole dump in
     * memory. Call it at most once; does not close {@code out}.
     *
     * @throws IOException if {@code out} fails, or the engine fails while reading (the cause tells which)
     */
    void writeTo(OutputStream out) throws IOException;

    /** Ends the engine transaction. Idempotent. */
    @Override
    void close();
}

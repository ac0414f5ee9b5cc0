package io.fluxdb.replication.log;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.spi.LogEntryContent;

/**
 * What one replicated log entry carries: the transaction to apply, and how far the leader's own engine had
 * committed when it was submitted.
 *
 * @param lastCommitted the leader's contiguous applied watermark when the entry was submitted: every entry at or
 *     below this index had committed on the leader's engine, so followers may execute this entry in parallel with
 *     any entry above it (the leader held both entries' locks at the same time)
 * @param content the transaction
 */
public record EntryEnvelope(long lastCommitted, LogEntryContent content) {

    public EntryEnvelope {
        requireNonNull(content, "content is null");
        if (lastCommitted < 0) {
            throw new IllegalArgumentException("lastCommitted: " + lastCommitted + " (expected: >= 0)");
        }
    }
}

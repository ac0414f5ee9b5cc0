package io.fluxdb.engine.spi;

/**
 * Where a submitted entry landed in the replicated log. A majority holds it durably once this is returned.
 *
 * @param term the leader term the entry was appended in
 * @param index the entry's log index, greater than zero
 */
public record CommitResult(long term, long index) {

    public CommitResult {
        if (index < 1) {
            throw new IllegalArgumentException("index: " + index + " (expected: >= 1)");
        }
        if (term < 0) {
            throw new IllegalArgumentException("term: " + term + " (expected: >= 0)");
        }
    }
}

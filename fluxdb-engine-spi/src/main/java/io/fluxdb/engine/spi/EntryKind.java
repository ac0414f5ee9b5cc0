package io.fluxdb.engine.spi;

/** How a log entry is applied. */
public enum EntryKind {
    /** Statements applied together in one engine transaction. */
    TRANSACTION,
    /**
     * One statement that commits implicitly (DDL, account management): it cannot share a transaction with the
     * applied-index bookkeeping, so the engine records the index right after it, under an exclusive write barrier.
     */
    IMPLICIT_COMMIT,
    /**
     * A consistency check: every node, when it applies the entry, records checksums of all its tables, which then
     * describe exactly the entries before it on every node and can be compared. Applied alone; its one statement is
     * the command that asked for it, for the record, and is not executed.
     */
    CHECKSUM
}

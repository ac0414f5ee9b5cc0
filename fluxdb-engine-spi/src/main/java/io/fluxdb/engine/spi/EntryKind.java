package io.fluxdb.engine.spi;

/** How a log entry is applied. */
public enum EntryKind {
    /** Statements applied together in one engine transaction. */
    TRANSACTION,
    /**
     * One statement that commits implicitly (DDL, account management): it cannot share a transaction with the
     * applied-index bookkeeping, so the engine records the index right after it, under an exclusive write barrier.
     */
    IMPLICIT_COMMIT
}

package io.fluxdb.engine.spi;

/** What a statement does to the session's transaction. */
public enum TransactionEffect {
    /** Nothing beyond what {@link Classification#implicitCommit()} says. */
    NONE,
    /** Starts a transaction (BEGIN, START TRANSACTION, XA START). */
    BEGIN,
    /** Starts a read-only transaction (START TRANSACTION READ ONLY). */
    BEGIN_READ_ONLY,
    /** Commits (COMMIT, XA COMMIT). */
    COMMIT,
    /** Rolls back the whole transaction (ROLLBACK, XA ROLLBACK), not to a savepoint. */
    ROLLBACK,
    /** Turns autocommit off: from now on every statement opens a transaction that lasts until COMMIT. */
    AUTOCOMMIT_OFF,
    /** Turns autocommit on, committing an open transaction. */
    AUTOCOMMIT_ON,
    /** LOCK TABLES: commits, then holds table locks until UNLOCK TABLES. */
    LOCK_TABLES,
    /** UNLOCK TABLES: releases table locks, committing if LOCK TABLES was in effect. */
    UNLOCK_TABLES
}

package io.fluxdb.engine.spi;

/**
 * What a statement does, as far as routing is concerned. Declared from least to most demanding: when several
 * statements are sent as one text, the most demanding one decides ({@link Classification#combine}).
 */
public enum StatementKind {
    /** Nothing to execute: empty text or only comments. */
    EMPTY,
    /** Reads data without locking it; answered by the local engine. */
    READ,
    /** Changes only the client session (variables, default database, prepared statements); run locally and
     *  remembered, so a forwarded session can be brought to the same state. */
    SESSION,
    /** Reads and locks rows (SELECT ... FOR UPDATE); must run on the leader inside the session's transaction. */
    LOCKING_READ,
    /** Starts, ends or shapes a transaction, or takes table locks. */
    TRANSACTION,
    /** Administers this node's server only (global variables, FLUSH, KILL, table maintenance); not replicated. */
    ADMIN,
    /** Changes data; runs on the leader and is replicated. Also every statement the classifier does not know. */
    WRITE,
    /** Changes schema or accounts; replicated as its own log entry, usually with an implicit commit. */
    DDL
}

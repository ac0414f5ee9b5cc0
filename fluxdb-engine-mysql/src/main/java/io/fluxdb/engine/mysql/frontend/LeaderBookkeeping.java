package io.fluxdb.engine.mysql.frontend;

/**
 * What the leader's front end records through the engine's own (administrative) connection, outside the client's
 * session: ids for the transactions it prepares, and a DDL statement's intent before it runs, so that a crash
 * between the statement and its log entry is recognised after a restart. Methods other than
 * {@link #newTransactionId} block and are called off the event loop.
 */
interface LeaderBookkeeping {

    /** A fresh id for an XA transaction (or a DDL statement) that this node runs in {@code term}. */
    String newTransactionId(long term);

    /** Before a DDL statement runs as {@code xid}: remember what the catalog looked like. */
    void ddlStarting(String xid);

    /** The DDL statement ran (the engine said OK). */
    void ddlExecuted(String xid);

    /** The DDL statement failed on the engine: nothing changed, forget the intent. */
    void ddlAbandoned(String xid);
}

package io.fluxdb.engine.mysql.frontend;

import io.fluxdb.engine.spi.Determinism;

/** Why a write cannot be replicated exactly, and what to do instead: the text of the error a client gets. */
final class Unsafe {
    private Unsafe() {}

    static String explain(Determinism determinism) {
        return switch (determinism) {
            case UUID -> "UUID() and UUID_SHORT() give another value on every node. Compute the value first"
                    + " (SET @id = UUID()) and write @id, or generate it in the application";
            case SYSDATE -> "SYSDATE() reads each node's own clock. Use NOW(), which every node takes from the leader";
            case ADVISORY_LOCK -> "GET_LOCK() and related functions hold locks on one node only. Call them in a"
                    + " statement of their own (SELECT GET_LOCK(...)), not inside a write";
            case UNSAFE_FUNCTION -> "the statement calls a function whose result depends on the node or the"
                    + " connection (such as CONNECTION_ID(), USER(), VERSION(), SLEEP() or a sequence function)."
                    + " Read the value first and write it as a literal or a user variable";
            case LIMIT_WITHOUT_ORDER_BY -> "LIMIT without ORDER BY in a write changes rows that depend on each"
                    + " node's physical order. Add an ORDER BY on a unique key";
            case SEQUENCE -> "sequence values (NEXTVAL, SETVAL, NEXT VALUE FOR) are not transactional: concurrent"
                    + " transactions commit in another order than they drew values, so replay would draw others."
                    + " Use an AUTO_INCREMENT column";
            case SERVER_FILE -> "the statement reads a file on the engine's host (LOAD DATA INFILE without LOCAL,"
                    + " LOAD_FILE()), which differs per node. Send the data from the client";
            case NODE_VARIABLE -> "the statement reads a system variable that differs per node (such as @@hostname or"
                    + " @@server_id). Read it first and write the value";
            case ACCOUNT -> "USER(), CURRENT_USER and similar name the account that runs the statement, and replay"
                    + " runs as another one. Write the account name as a literal";
            case IMPLICIT_DEFINER -> "ALTER of a view or event without an explicit DEFINER makes whoever runs it the"
                    + " definer. Name the DEFINER explicitly";
            case UNORDERED_CONFLICT -> "which of the rows that collide on a unique key is kept depends on the order"
                    + " rows are read (INSERT IGNORE/REPLACE ... SELECT without ORDER BY). Add an ORDER BY on a unique"
                    + " key";
            case AMBIGUOUS_TEXT -> "the text changes the SQL mode or character set to a value it does not tell, so"
                    + " the statements after it cannot be read exactly. Send them separately";
            case DYNAMIC_SQL -> "the body builds SQL at run time (PREPARE, EXECUTE IMMEDIATE), so FluxDB cannot tell"
                    + " whether it gives the same result on every node. Write the statements in the body itself";
            case NODE_LOCAL_TABLE -> nodeLocal("a node-local table");
            default -> determinism.name() + " cannot be replicated exactly";
        };
    }

    /**
     * A write that reads {@code what}, a node-local table ({@code NodeLocalTables}). A user variable is a way around:
     * a write carries the values of the user variables it reads, never the expressions that set them.
     */
    static String nodeLocal(String what) {
        return "the statement reads " + what + ", and each node keeps its own content there (information_schema,"
                + " performance_schema, sys, the statistics, log and replication tables of mysql, and fluxdb), so"
                + " every node would write other values. Read the value first, into the application or a user variable"
                + " (SET @v = (SELECT ...)), and write that: the value of a user variable is replicated. A write in a"
                + " session whose default database is one of these must run after USE of another database";
    }
}

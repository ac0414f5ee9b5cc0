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
            default -> determinism.name() + " cannot be replicated exactly";
        };
    }
}

package io.fluxdb.engine.spi;

/**
 * Why a statement might give different results on different nodes. The {@linkplain #fixable() fixable} ones are
 * made deterministic by the leader's timestamp and {@link ReplayHints}; the others must be rewritten or refused.
 */
public enum Determinism {
    /** Reads the clock (NOW(), CURRENT_TIMESTAMP, CURDATE(), UNIX_TIMESTAMP(), ...): fixed by the leader timestamp. */
    NEEDS_TIMESTAMP(true),
    /** Calls RAND(): fixed by the leader's random seeds. */
    NEEDS_RAND_SEED(true),
    /** Calls LAST_INSERT_ID(): fixed by the leader's last insert id. */
    NEEDS_LAST_INSERT_ID(true),
    /** Reads or assigns user variables ({@code @name}): fixed by replaying the session's variables. */
    USER_VARIABLES(true),
    /** Calls UUID(), UUID_SHORT() or similar: different on every call and every node. */
    UUID(false),
    /** Calls SYSDATE(), which reads the clock at execution time, ignoring the session timestamp. */
    SYSDATE(false),
    /** Calls GET_LOCK() or a related function: advisory locks exist only on the node that takes them. */
    ADVISORY_LOCK(false),
    /** Calls another function whose result depends on the node or connection (SLEEP, CONNECTION_ID, USER, ...). */
    UNSAFE_FUNCTION(false),
    /** UPDATE, DELETE or INSERT ... SELECT with LIMIT but no ORDER BY: which rows change depends on the node. */
    LIMIT_WITHOUT_ORDER_BY(false);

    private final boolean fixable;

    Determinism(boolean fixable) {
        this.fixable = fixable;
    }

    /** Whether replay can make this deterministic without rewriting the statement. */
    public boolean fixable() {
        return fixable;
    }
}

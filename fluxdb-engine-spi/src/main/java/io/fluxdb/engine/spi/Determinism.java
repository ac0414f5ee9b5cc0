package io.fluxdb.engine.spi;

/**
 * Why a statement might give different results on different nodes. The {@linkplain #fixable() fixable} ones are
 * made deterministic by the leader's timestamp, {@link ReplayHints} and what the log entry carries; the others must
 * be rewritten or refused.
 */
public enum Determinism {
    /** Reads the clock (NOW(), CURRENT_TIMESTAMP, CURDATE(), UNIX_TIMESTAMP(), ...): fixed by the leader timestamp. */
    NEEDS_TIMESTAMP(true),
    /** Calls RAND() without a seed: fixed by the leader's random seeds. RAND(seed) is deterministic by itself. */
    NEEDS_RAND_SEED(true),
    /** Calls LAST_INSERT_ID() without an argument: fixed by the leader's last insert id. */
    NEEDS_LAST_INSERT_ID(true),
    /**
     * Reads or assigns user variables ({@code @name}): fixed by replaying the values the leader's session had, by
     * name ({@link Classification#userVariablesRead()}).
     */
    USER_VARIABLES(true),
    /** Calls UUID(), UUID_SHORT() or similar: different on every call and every node. */
    UUID(false),
    /** Calls SYSDATE(), which reads the clock at execution time, ignoring the session timestamp. */
    SYSDATE(false),
    /** Calls GET_LOCK() or a related function: advisory locks exist only on the node that takes them. */
    ADVISORY_LOCK(false),
    /** Calls another function whose result depends on the node or connection (SLEEP, CONNECTION_ID, ROW_COUNT...). */
    UNSAFE_FUNCTION(false),
    /** UPDATE, DELETE or INSERT ... SELECT with LIMIT but no ORDER BY: which rows change depends on the node. */
    LIMIT_WITHOUT_ORDER_BY(false),
    /**
     * Uses a sequence (NEXTVAL(), SETVAL(), NEXT VALUE FOR, PREVIOUS VALUE FOR, LASTVAL()). Sequences are not
     * transactional: concurrent transactions draw values in one order and commit in another, so replaying them in log
     * order gives other values.
     */
    SEQUENCE(false),
    /**
     * LOAD DATA LOCAL INFILE or LOAD XML LOCAL INFILE: the rows come from a file the client sends; fixed by carrying
     * the file's bytes in the log entry.
     */
    LOCAL_INFILE(true),
    /** Reads a file on the engine's host (LOAD DATA INFILE without LOCAL, LOAD_FILE()), which differs per node. */
    SERVER_FILE(false),
    /** Reads a system variable that differs per node (@@hostname, @@server_id, @@datadir, @@version, ...). */
    NODE_VARIABLE(false),
    /**
     * Reads a table whose content belongs to the node, not to the replicated data: anything in
     * {@code information_schema} (process list, status counters, table sizes and times), {@code performance_schema}
     * or {@code sys}, the engine's statistics, log and replication tables in {@code mysql}, or the operator's own
     * bookkeeping. Every node would write what it holds itself.
     */
    NODE_LOCAL_TABLE(false),
    /**
     * Reads the session's account (USER(), CURRENT_USER, SESSION_USER(), CURRENT_ROLE): replay runs as another
     * account.
     */
    ACCOUNT(false),
    /**
     * Creates or alters a view, stored routine, trigger or event without an explicit DEFINER (or with
     * {@code DEFINER = CURRENT_USER}): its definer would be whoever runs the statement, which is not the same account
     * on every node unless the definer is written into the statement.
     */
    IMPLICIT_DEFINER(false),
    /**
     * INSERT IGNORE ... SELECT, REPLACE ... SELECT, INSERT ... SELECT ... ON DUPLICATE KEY UPDATE, UPDATE IGNORE,
     * CREATE TABLE ... IGNORE/REPLACE SELECT without ORDER BY: which of the rows that collide on a unique key is kept
     * depends on the order the rows come in, which is not fixed without ORDER BY.
     */
    UNORDERED_CONFLICT(false),
    /**
     * A text with several statements changes the SQL mode or the character set to a value the text does not tell
     * (for example {@code SET sql_mode = @saved}), and what follows depends on it: the following statements cannot be
     * read the way the engine will read them.
     */
    AMBIGUOUS_TEXT(false),
    /**
     * A routine, trigger or event whose body runs SQL built at run time ({@code PREPARE ... FROM}, {@code EXECUTE},
     * {@code EXECUTE IMMEDIATE}): what that SQL does cannot be read when the body is defined, so whether every node
     * gets the same result cannot be told.
     */
    DYNAMIC_SQL(false);

    private final boolean fixable;

    Determinism(boolean fixable) {
        this.fixable = fixable;
    }

    /** Whether replay can make this deterministic without rewriting the statement. */
    public boolean fixable() {
        return fixable;
    }
}

package io.fluxdb.engine.mysql.apply;

/**
 * Test hook for the DDL crash window: with {@code -Dfluxdb.apply.haltAt=before-ddl} or {@code after-ddl}, the process
 * halts (as {@code kill -9} would end it, with exit status 137) at that point of applying a DDL entry. Off unless the
 * property is set; read once.
 */
final class CrashPoint {
    static final String PROPERTY = "fluxdb.apply.haltAt";
    /** The intent is committed, the statement has not run. */
    static final String BEFORE_DDL = "before-ddl";
    /** The statement ran, its index is not recorded. */
    static final String AFTER_DDL = "after-ddl";

    private static final String HALT_AT = System.getProperty(PROPERTY, "");

    private CrashPoint() {
    }

    static void reach(String point) {
        if (HALT_AT.equals(point)) {
            Runtime.getRuntime().halt(137);
        }
    }
}

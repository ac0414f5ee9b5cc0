package io.fluxdb.engine.mysql.apply;

import static io.fluxdb.engine.mysql.apply.ApplyTesting.count;
import static io.fluxdb.engine.mysql.apply.ApplyTesting.entry;
import static io.fluxdb.engine.mysql.apply.ApplyTesting.exec;
import static io.fluxdb.engine.mysql.apply.ApplyTesting.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.mysql.MySqlEngine;
import io.fluxdb.engine.spi.ApplyResult;
import io.fluxdb.engine.spi.EntryKind;
import io.fluxdb.engine.spi.LogEntryContent;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The crash window of DDL apply, with a real process death: a child JVM applies a DDL entry and halts (exit 137, as
 * after kill -9) either after the statement ran but before its index was recorded, or after the intent was recorded
 * but before the statement ran. A fresh engine then applies the same entry: the statement must have taken effect
 * exactly once, with no error and the index recorded.
 */
@ExtendWith(MariaDbExtension.class)
class DdlCrashWindowIT {

    @BeforeAll
    static void schema(MariaDbProcess db) throws SQLException {
        exec(db, "CREATE DATABASE crash", "CREATE TABLE crash.t1 (id INT PRIMARY KEY)",
                "CREATE TABLE crash.t2 (id INT PRIMARY KEY)",
                "CREATE TABLE crash.a (v VARCHAR(10))", "CREATE TABLE crash.b (v VARCHAR(10))",
                "INSERT INTO crash.a VALUES ('from a')", "INSERT INTO crash.b VALUES ('from b')");
    }

    @Test
    void aStatementThatRanBeforeTheCrashIsRecordedNotRunAgain(MariaDbProcess db) throws Exception {
        String sql = "ALTER TABLE t1 ADD COLUMN c INT"; // a second run would fail: duplicate column
        assertThat(crashChild(db, CrashPoint.AFTER_DDL, 100, sql)).isEqualTo(137);
        assertThat(columns(db, "t1")).containsExactly("id", "c");
        assertThat(count(db, "SELECT COUNT(*) FROM fluxdb.applied_log WHERE idx = 100")).isZero();
        assertThat(rows(db, "SELECT idx, state FROM fluxdb.ddl_intent")).containsExactly("100|started");

        try (MySqlEngine engine = ApplyTesting.engine(db, Map.of())) {
            assertThat(engine.apply(100, ddl(sql))).isEqualTo(new ApplyResult.AlreadyApplied(100));
            assertThat(engine.apply(100, ddl(sql))).isEqualTo(new ApplyResult.AlreadyApplied(100));
        }
        assertThat(columns(db, "t1")).containsExactly("id", "c");
        assertThat(count(db, "SELECT COUNT(*) FROM fluxdb.applied_log WHERE idx = 100")).isEqualTo(1);
        assertThat(count(db, "SELECT COUNT(*) FROM fluxdb.ddl_intent")).isZero();
    }

    @Test
    void aStatementThatHadNotRunBeforeTheCrashRunsOnce(MariaDbProcess db) throws Exception {
        String sql = "ALTER TABLE t2 ADD COLUMN d INT";
        assertThat(crashChild(db, CrashPoint.BEFORE_DDL, 101, sql)).isEqualTo(137);
        // The whole node went down: the engine too, so the fingerprint must hold across its crash recovery.
        db.kill();
        db.start();
        assertThat(columns(db, "t2")).containsExactly("id");
        assertThat(rows(db, "SELECT idx, state FROM fluxdb.ddl_intent")).containsExactly("101|started");

        try (MySqlEngine engine = ApplyTesting.engine(db, Map.of())) {
            assertThat(engine.apply(101, ddl(sql))).isEqualTo(new ApplyResult.Applied(101, List.of(0L)));
        }
        assertThat(columns(db, "t2")).containsExactly("id", "d");
        assertThat(count(db, "SELECT COUNT(*) FROM fluxdb.applied_log WHERE idx = 101")).isEqualTo(1);
        assertThat(count(db, "SELECT COUNT(*) FROM fluxdb.ddl_intent")).isZero();
    }

    @Test
    void aRenameThatSwapsTwoTablesIsSeenAsDone(MariaDbProcess db) throws Exception {
        // Same names, same columns before and after: only the tables' InnoDB ids tell that the swap happened.
        String sql = "RENAME TABLE a TO swap, b TO a, swap TO b";
        assertThat(crashChild(db, CrashPoint.AFTER_DDL, 102, sql)).isEqualTo(137);

        try (MySqlEngine engine = ApplyTesting.engine(db, Map.of())) {
            assertThat(engine.apply(102, ddl(sql))).isEqualTo(new ApplyResult.AlreadyApplied(102));
        }
        assertThat(rows(db, "SELECT v FROM crash.a")).containsExactly("from b");
        assertThat(rows(db, "SELECT v FROM crash.b")).containsExactly("from a");
    }

    @Test
    void aFailingStatementIsRecordedAsFailedWithItsIntentCleared(MariaDbProcess db) throws SQLException {
        try (MySqlEngine engine = ApplyTesting.engine(db, Map.of())) {
            ApplyResult result = engine.apply(103, ddl("CREATE TABLE t1 (id INT)"));

            assertThat(result).isInstanceOfSatisfying(ApplyResult.Failed.class,
                    f -> assertThat(f.errorCode()).isEqualTo(1050));
            assertThat(engine.apply(103, ddl("CREATE TABLE t1 (id INT)")))
                    .isEqualTo(new ApplyResult.AlreadyApplied(103));
        }
        assertThat(rows(db, "SELECT error_code FROM fluxdb.applied_log WHERE idx = 103")).containsExactly("1050");
        assertThat(count(db, "SELECT COUNT(*) FROM fluxdb.ddl_intent")).isZero();
    }

    private static LogEntryContent ddl(String sql) {
        return entry(EntryKind.IMPLICIT_COMMIT, "crash", Optional.empty(), sql);
    }

    private static List<String> columns(MariaDbProcess db, String table) throws SQLException {
        return rows(db, "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'crash'"
                + " AND TABLE_NAME = '" + table + "' ORDER BY ORDINAL_POSITION");
    }

    /** Runs {@link DdlCrashChild} with the halt hook at {@code point}; returns its exit status. */
    private static int crashChild(MariaDbProcess db, String point, long index, String sql)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Path output = Files.createTempFile("ddl-crash-child", ".log");
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-D" + CrashPoint.PROPERTY + "=" + point, DdlCrashChild.class.getName(),
                db.host(), Integer.toString(db.port()), Long.toString(index), "crash", sql)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put(DdlCrashChild.PASSWORD_ENV, db.rootPassword());
        Process child = builder.start();
        try {
            if (!child.waitFor(120, TimeUnit.SECONDS)) {
                throw new AssertionError("the child JVM did not end within 120 s:\n" + Files.readString(output));
            }
            int status = child.exitValue();
            if (status != 137) {
                throw new AssertionError("the child JVM ended with " + status + " instead of halting at " + point
                        + ":\n" + Files.readString(output));
            }
            return status;
        } finally {
            child.destroyForcibly();
            Files.deleteIfExists(output);
        }
    }
}

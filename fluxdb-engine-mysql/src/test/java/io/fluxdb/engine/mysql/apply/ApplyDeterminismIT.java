package io.fluxdb.engine.mysql.apply;

import static io.fluxdb.engine.mysql.apply.ApplyTesting.connect;
import static io.fluxdb.engine.mysql.apply.ApplyTesting.exec;
import static io.fluxdb.engine.mysql.apply.ApplyTesting.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.mysql.MySqlEngine;
import io.fluxdb.engine.spi.ApplyResult;
import io.fluxdb.engine.spi.BoundValue;
import io.fluxdb.engine.spi.EngineChecksum;
import io.fluxdb.engine.spi.EntryKind;
import io.fluxdb.engine.spi.LogEntryContent;
import io.fluxdb.testkit.MariaDbProcess;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Each case runs on server A as the FluxDB leader runs it, is applied to server B from its log entry, and must leave
 * identical rows. B differs from A wherever replay could go wrong without the entry's hints: its clock is today, not
 * 2001; its auto-increment counters are elsewhere; its random generator and UUIDs are its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApplyDeterminismIT {
    private MariaDbProcess a;
    private MariaDbProcess b;
    private MySqlEngine engineA;
    private MySqlEngine engineB;
    private Connection leader;
    private final AtomicLong index = new AtomicLong();

    @BeforeAll
    void start() throws SQLException {
        a = MariaDbProcess.builder().start();
        b = MariaDbProcess.builder().start();
        engineA = ApplyTesting.engine(a, Map.of());
        // One apply connection, so every entry runs on the connection the previous one left behind.
        engineB = ApplyTesting.engine(b, Map.of("apply-connections", "1"));
        for (MariaDbProcess db : List.of(a, b)) {
            exec(db, "CREATE DATABASE det CHARACTER SET utf8mb4", "CREATE USER app@'%' IDENTIFIED BY 'app-pw'", "GRANT ALL ON det.* TO app@'%'");
        }
        leader = connect(a, "det");
    }

    @AfterAll
    void stop() throws SQLException {
        if (leader != null) {
            leader.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {engineA, engineB, a, b}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private void onBoth(String... ddl) throws SQLException {
        for (MariaDbProcess db : List.of(a, b)) {
            try (Connection c = connect(db, "det")) {
                exec(c, ddl);
            }
        }
    }

    /** Applies to B; an applied entry must report the rows each statement changed on the leader. */
    private ApplyResult applyToB(LogEntryContent entry) {
        ApplyResult result = engineB.apply(index.incrementAndGet(), entry);
        if (result instanceof ApplyResult.Applied applied) {
            List<Long> leaderCounts = entry.statements().stream()
                    .map(s -> s.affectedRows().orElse(applied.affectedRows().get(entry.statements().indexOf(s))))
                    .toList();
            assertThat(applied.affectedRows()).as("rows changed, as on the leader").isEqualTo(leaderCounts);
        }
        return result;
    }

    private void assertSameRows(String query) throws SQLException {
        try (Connection onB = connect(b, "det")) {
            List<String> expected = rows(leader, query);
            assertThat(expected).isNotEmpty();
            assertThat(rows(onB, query)).isEqualTo(expected);
        }
    }

    @Test
    void loadDataLocalInfileLoadsTheLeadersFileBytesNotAFileOfTheFollower() throws SQLException {
        onBoth("CREATE TABLE loaded (id INT PRIMARY KEY, name VARCHAR(20), at DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6))");
        // The file name exists on no host: replay must load the entry's bytes, not look for a file.
        String load = "LOAD DATA LOCAL INFILE '/nonexistent/fluxdb-rows.csv' INTO TABLE loaded"
                + " FIELDS TERMINATED BY ',' (id, name)";
        byte[] file = "1,alpha\n2,beta\n3,gamma\n2,duplicate\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        LogEntryContent entry = new LeaderRun(leader).load(load, file).entry();

        // LOCAL makes duplicates warnings, as IGNORE does: three rows, on both.
        assertThat(entry.statements().getFirst().affectedRows()).hasValue(3);
        assertThat(applyToB(entry)).isEqualTo(new ApplyResult.Applied(index.get(), List.of(3L)));
        assertSameRows("SELECT id, name, at FROM loaded ORDER BY id");
    }

    @Test
    void clockIsTheLeadersPerStatementForNowAndColumnDefaults() throws SQLException {
        onBoth("CREATE TABLE clock (id INT PRIMARY KEY, created DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6),"
                + " updated TIMESTAMP(6) NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP(6), note VARCHAR(60))");
        exec(leader, "SET time_zone = '+02:00'");
        LeaderRun run = new LeaderRun(leader)
                .run("INSERT INTO clock (id, note) VALUES (1, CAST(NOW(6) AS CHAR))")
                .run("INSERT INTO clock (id, note) VALUES (2, CAST(UNIX_TIMESTAMP(CURRENT_TIMESTAMP(6)) AS CHAR))")
                .run("UPDATE clock SET note = CONCAT(note, ' ', CURDATE()) WHERE id = 1");
        LogEntryContent entry = run.entry();
        exec(leader, "SET time_zone = DEFAULT");

        assertThat(applyToB(entry)).isEqualTo(new ApplyResult.Applied(index.get(), List.of(1L, 1L, 1L)));
        assertSameRows("SELECT id, created, updated, note FROM clock ORDER BY id");
        List<String> created = rows(leader, "SELECT created FROM clock ORDER BY id");
        assertThat(created.get(0)).startsWith("2001-02-03 06:05:07.123456"); // the leader's clock in +02:00
        assertThat(created.get(1)).isNotEqualTo(created.get(0)); // one time per statement, not per transaction
    }

    @Test
    void autoIncrementValuesOfMultiRowInsertAndInsertSelect() throws SQLException {
        onBoth("CREATE TABLE ai (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(10))",
                "CREATE TABLE ai_src (v VARCHAR(10) PRIMARY KEY)", "INSERT INTO ai_src VALUES ('x'), ('y'), ('z')");
        try (Connection onB = connect(b, "det")) {
            exec(onB, "ALTER TABLE ai AUTO_INCREMENT = 1000");
        }
        exec(leader, "SET SESSION auto_increment_increment = 3, auto_increment_offset = 2");
        LeaderRun run = new LeaderRun(leader)
                .run("INSERT INTO ai (v) VALUES ('a'), ('b'), ('c')")
                .run("INSERT INTO ai (v) SELECT v FROM ai_src ORDER BY v")
                .run("INSERT INTO ai (id, v) VALUES (100, 'explicit')")
                .run("INSERT INTO ai (v) VALUES ('after')");
        LogEntryContent entry = run.entry();
        exec(leader, "SET SESSION auto_increment_increment = DEFAULT, auto_increment_offset = DEFAULT");

        assertThat(applyToB(entry)).isInstanceOf(ApplyResult.Applied.class);
        assertSameRows("SELECT id, v FROM ai ORDER BY id");
        assertThat(rows(leader, "SELECT COUNT(*) FROM ai")).containsExactly("8");
    }

    @Test
    void lastInsertIdIsTheLeadersWithinAndAcrossTransactions() throws SQLException {
        onBoth("CREATE TABLE parent (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(10))",
                "CREATE TABLE child (id INT AUTO_INCREMENT PRIMARY KEY, parent_id INT, note VARCHAR(20))");
        try (Connection onB = connect(b, "det")) {
            exec(onB, "ALTER TABLE parent AUTO_INCREMENT = 500", "ALTER TABLE child AUTO_INCREMENT = 900");
        }
        LogEntryContent first = new LeaderRun(leader)
                .run("INSERT INTO parent (name) VALUES ('p')")
                .run("INSERT INTO child (parent_id, note) VALUES (LAST_INSERT_ID(), 'same txn')")
                .entry();
        LogEntryContent second = new LeaderRun(leader)
                .run("INSERT INTO child (parent_id, note) VALUES (LAST_INSERT_ID(), 'next txn')")
                .entry();

        assertThat(applyToB(first)).isInstanceOf(ApplyResult.Applied.class);
        assertThat(applyToB(second)).isInstanceOf(ApplyResult.Applied.class);
        assertSameRows("SELECT id, name FROM parent ORDER BY id");
        assertSameRows("SELECT id, parent_id, note FROM child ORDER BY id");
    }

    @Test
    void randWithAndWithoutSeed() throws SQLException {
        onBoth("CREATE TABLE r (id INT PRIMARY KEY, x DOUBLE, y DOUBLE)");
        LogEntryContent entry = new LeaderRun(leader)
                .run("INSERT INTO r VALUES (1, RAND(), RAND()), (2, RAND(), RAND())")
                .run("INSERT INTO r VALUES (3, RAND(7), RAND())")
                .run("UPDATE r SET y = y + RAND() WHERE id = 1")
                .run("UPDATE r SET x = x WHERE id = 2") // matched, not changed: 0 rows
                .entry();
        assertThat(entry.statements().get(3).affectedRows()).hasValue(0);

        assertThat(applyToB(entry)).isInstanceOf(ApplyResult.Applied.class);
        assertSameRows("SELECT id, x, y FROM r ORDER BY id");
    }

    @Test
    void userVariablesReplayTheLeadersValuesWithTheirTypes() throws SQLException {
        onBoth("CREATE TABLE uv (id CHAR(36) PRIMARY KEY, n BIGINT, d DECIMAL(10,2), r DOUBLE, b VARBINARY(4),"
                + " typed VARCHAR(100))");
        exec(leader, "SET @id = UUID(), @n = 42, @d = 1.50, @r = 0.1e0, @b = X'00FF'");
        String uuid = rows(leader, "SELECT @id").get(0);
        Map<String, BoundValue> values = Map.of("id", new BoundValue.Text(uuid), "n", new BoundValue.Int(42),
                "d", new BoundValue.Decimal("1.50"), "r", new BoundValue.Real(0.1),
                "b", new BoundValue.Bytes(new byte[] {0, (byte) 0xff}));
        // @r / 3 is 0.0333... as a DOUBLE but 0.03333 as a DECIMAL: the text shows which type replay assigned.
        LogEntryContent entry = new LeaderRun(leader)
                .run("INSERT INTO uv VALUES (@id, @n, @d, @r, @b, CONCAT(@r / 3, ' ', @d / 3, ' ', @n / 7))", values)
                .entry();

        assertThat(applyToB(entry)).isInstanceOf(ApplyResult.Applied.class);
        assertSameRows("SELECT id, n, d, r, HEX(b), typed FROM uv");
        assertThat(rows(leader, "SELECT typed FROM uv").get(0)).isEqualTo("0.03333333333333333 0.50000000000000000000000000000000000000 6.0000");
    }

    @Test
    void preparedStatementParametersAreBoundWithTheirTypes() throws SQLException {
        onBoth("CREATE TABLE p (id INT PRIMARY KEY, i BIGINT, u BIGINT UNSIGNED, r DOUBLE, d DECIMAL(30,10),"
                + " t VARCHAR(50), b VARBINARY(10), dt DATE, dtm DATETIME(6), tm TIME(6), tp TIME(6), zero DATE, n INT,"
                + " typed VARCHAR(200))");
        exec(leader, "SET sql_mode = 'NO_ENGINE_SUBSTITUTION'"); // zero dates allowed, as some clients run
        List<BoundValue> parameters = List.of(new BoundValue.Int(-9_000_000_000L),
                new BoundValue.UnsignedInt(-1L), new BoundValue.Real(1.0 / 3), new BoundValue.Decimal("-12.3456789012"),
                new BoundValue.Text("grüße ✓ 'quoted' ?"), new BoundValue.Bytes(new byte[] {0, 1, (byte) 0xfe}),
                new BoundValue.Date(2024, 2, 29), new BoundValue.DateTime(1999, 12, 31, 23, 59, 58, 999_999),
                new BoundValue.Time(true, 100, 1, 2, 3), new BoundValue.Time(false, 100, 1, 0, 3),
                new BoundValue.Date(0, 0, 0), BoundValue.Null.INSTANCE,
                new BoundValue.Real(0.1), new BoundValue.Decimal("0.1"));
        LogEntryContent entry = new LeaderRun(leader)
                .prepared("INSERT INTO p VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CONCAT(? / 3, ' ', ? / 3))",
                        parameters, p -> {
                            p.setLong(1, -9_000_000_000L);
                            p.setBigDecimal(2, new BigDecimal("18446744073709551615"));
                            p.setDouble(3, 1.0 / 3);
                            p.setBigDecimal(4, new BigDecimal("-12.3456789012"));
                            p.setString(5, "grüße ✓ 'quoted' ?");
                            p.setBytes(6, new byte[] {0, 1, (byte) 0xfe});
                            p.setObject(7, LocalDate.of(2024, 2, 29));
                            p.setObject(8, LocalDateTime.of(1999, 12, 31, 23, 59, 58, 999_999_000));
                            p.setString(9, "-100:01:02.000003");
                            p.setString(10, "100:01:00.000003");
                            p.setString(11, "0000-00-00");
                            p.setNull(12, java.sql.Types.INTEGER);
                            p.setDouble(13, 0.1);
                            p.setBigDecimal(14, new BigDecimal("0.1"));
                        })
                .run("INSERT INTO p (id, t) VALUES (2, 'what? no placeholder')")
                .entry();
        exec(leader, "SET sql_mode = DEFAULT");

        assertThat(applyToB(entry)).isEqualTo(new ApplyResult.Applied(index.get(), List.of(1L, 1L)));
        assertSameRows("SELECT id, i, u, r, d, t, HEX(b), dt, dtm, tm, tp, zero, n, typed FROM p ORDER BY id");
        assertThat(rows(leader, "SELECT u, t, tm, tp, zero, typed FROM p WHERE id = 1")).containsExactly(
                "18446744073709551615|grüße ✓ 'quoted' ?|-100:01:02.000003|100:01:00.000003|0000-00-00"
                        + "|0.03333333333333333 0.03333");
    }

    @Test
    void definersAreTheLeadersAccount() throws SQLException {
        onBoth("CREATE TABLE audited (id INT PRIMARY KEY)");
        try (Connection app = ApplyTesting.connect(a, "det", "app", "app-pw")) {
            String[] ddl = {
                "CREATE VIEW v_app AS SELECT id FROM audited",
                "CREATE OR REPLACE ALGORITHM=MERGE SQL SECURITY DEFINER VIEW v_merge AS SELECT id FROM audited",
                "CREATE PROCEDURE p_app() SELECT 1",
                "CREATE FUNCTION f_app(x INT) RETURNS INT DETERMINISTIC RETURN x + 1",
                "CREATE TRIGGER t_app BEFORE INSERT ON audited FOR EACH ROW SET NEW.id = NEW.id",
                "CREATE EVENT e_app ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM audited"};
            for (String sql : ddl) {
                LogEntryContent entry = new LeaderRun(app).run(sql).entry(EntryKind.IMPLICIT_COMMIT, Optional.empty());
                assertThat(applyToB(entry)).as(sql).isInstanceOf(ApplyResult.Applied.class);
            }
        }
        // An explicit DEFINER stays; ALTER EVENT makes the altering account (root here) the definer.
        for (String sql : List.of("CREATE DEFINER = app@'%' VIEW v_named AS SELECT 1 AS one",
                "ALTER EVENT e_app COMMENT 'altered'")) {
            LogEntryContent entry = new LeaderRun(leader).run(sql).entry(EntryKind.IMPLICIT_COMMIT, Optional.empty());
            assertThat(applyToB(entry)).as(sql).isInstanceOf(ApplyResult.Applied.class);
        }

        String definers = "SELECT 'view', TABLE_NAME, DEFINER, SECURITY_TYPE FROM information_schema.VIEWS"
                + " WHERE TABLE_SCHEMA = 'det' UNION ALL SELECT 'routine', ROUTINE_NAME, DEFINER, SECURITY_TYPE"
                + " FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = 'det' UNION ALL SELECT 'trigger',"
                + " TRIGGER_NAME, DEFINER, '' FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'det'"
                + " UNION ALL SELECT 'event', EVENT_NAME, DEFINER, '' FROM information_schema.EVENTS"
                + " WHERE EVENT_SCHEMA = 'det' ORDER BY 1, 2";
        assertSameRows(definers);
        assertThat(rows(leader, definers)).contains("view|v_app|app@%|DEFINER", "view|v_named|app@%|DEFINER",
                "routine|f_app|app@%|DEFINER", "trigger|t_app|app@%|", "event|e_app|root@127.0.0.1|");
    }

    @Test
    void checksumsAgreeWhateverTheRowOrderAndDifferAfterAChange() throws SQLException {
        onBoth("CREATE TABLE loose (v VARCHAR(10), n INT)", "CREATE TABLE keyed (id INT PRIMARY KEY, t TIMESTAMP(3))");
        exec(leader, "INSERT INTO loose VALUES ('x', 1), ('y', NULL), ('', 2), ('y', NULL)");
        try (Connection onB = connect(b, "det")) {
            exec(onB, "INSERT INTO loose VALUES ('y', NULL), ('', 2), ('y', NULL), ('x', 1)");
        }
        LogEntryContent entry = new LeaderRun(leader)
                .run("INSERT INTO keyed VALUES (1, NOW(3)), (2, NULL)")
                .entry();
        assertThat(applyToB(entry)).isInstanceOf(ApplyResult.Applied.class);

        EngineChecksum onA = engineA.checksum();
        EngineChecksum onB = engineB.checksum();
        assertThat(onB.appliedIndex()).isEqualTo(engineB.lastAppliedIndex());
        assertThat(onA.tables()).containsKeys("det.loose", "det.keyed").doesNotContainKey("fluxdb.applied_log");
        // Every table of every case that ran so far holds the same rows on A and B.
        assertThat(userTables(onB)).isEqualTo(userTables(onA)).containsKeys("det.loose", "det.keyed");

        try (Connection c = connect(b, "det")) {
            exec(c, "UPDATE loose SET n = 3 WHERE v = 'x'");
        }
        EngineChecksum changed = engineB.checksum();
        assertThat(changed.tables().get("det.loose")).isNotEqualTo(onA.tables().get("det.loose"));
        assertThat(changed.tables().get("det.keyed")).isEqualTo(onA.tables().get("det.keyed"));
    }

    @Test
    void theLeadersSessionVariablesAreRestoredAndResetAfterTheEntry() throws SQLException {
        onBoth("CREATE TABLE dp (id INT PRIMARY KEY, v VARCHAR(40))",
                "CREATE TABLE fk_child (id INT PRIMARY KEY, parent INT, FOREIGN KEY (parent) REFERENCES dp (id))");
        exec(leader, "SET SESSION div_precision_increment = 8, foreign_key_checks = 0", "SET @seen = 'leader'");
        LeaderRun run = new LeaderRun(leader)
                .run("INSERT INTO dp VALUES (1, CONCAT(1 / 3, ' ', @seen))", Map.of("seen", new BoundValue.Text("leader")))
                .run("INSERT INTO fk_child VALUES (1, 404)");
        LogEntryContent recorded = run.entry();
        exec(leader, "SET SESSION div_precision_increment = DEFAULT, foreign_key_checks = DEFAULT", "SET @seen = NULL");
        // The front end reports variables beyond the dedicated fields in otherVariables.
        LogEntryContent entry = new LogEntryContent(recorded.kind(), recorded.timestampMicros(), recorded.originNodeId(),
                recorded.originSessionId(), new io.fluxdb.engine.spi.SessionContext(recorded.session().database(),
                        recorded.session().sqlMode(), recorded.session().timeZone(),
                        recorded.session().characterSetClient(), recorded.session().characterSetConnection(),
                        recorded.session().characterSetResults(), recorded.session().collationConnection(), false,
                        true, 1, 1, Map.of("div_precision_increment", "8")),
                recorded.account(), recorded.originTransaction(), recorded.statements());

        assertThat(applyToB(entry)).isInstanceOf(ApplyResult.Applied.class);
        LogEntryContent next = new LeaderRun(leader)
                .run("INSERT INTO dp VALUES (2, CONCAT(1 / 3, ' ', COALESCE(@seen, 'unset'), ' ', @@foreign_key_checks))")
                .entry();
        assertThat(applyToB(next)).isInstanceOf(ApplyResult.Applied.class);

        assertSameRows("SELECT id, v FROM dp ORDER BY id");
        assertSameRows("SELECT id, parent FROM fk_child");
        assertThat(rows(leader, "SELECT v FROM dp ORDER BY id")).containsExactly("0.33333333 leader", "0.3333 unset ON");
    }

    private static Map<String, String> userTables(EngineChecksum checksum) {
        Map<String, String> det = new java.util.TreeMap<>(checksum.tables());
        det.keySet().removeIf(table -> !table.startsWith("det."));
        return det;
    }

    @Test
    void bytesOfBinaryValuesSurviveReplay() throws SQLException {
        onBoth("CREATE TABLE blobs (id INT PRIMARY KEY, v BLOB)");
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        LogEntryContent entry = new LeaderRun(leader)
                .prepared("INSERT INTO blobs VALUES (1, ?)", List.of(new BoundValue.Bytes(all)), p -> p.setBytes(1, all))
                .entry();

        assertThat(applyToB(entry)).isInstanceOf(ApplyResult.Applied.class);
        try (Connection onB = connect(b, "det")) {
            assertThat(rows(onB, "SELECT HEX(v) FROM blobs")).containsExactly(HexFormat.of().withUpperCase()
                    .formatHex(all));
        }
    }
}

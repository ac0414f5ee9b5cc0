package io.fluxdb.engine.mysql.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static io.fluxdb.engine.mysql.apply.ApplyTesting.exec;
import static io.fluxdb.engine.mysql.apply.ApplyTesting.rows;
import static io.fluxdb.engine.mysql.apply.ApplyTesting.transaction;

import io.fluxdb.engine.mysql.MySqlEngine;
import io.fluxdb.engine.mysql.apply.Applier;
import io.fluxdb.engine.mysql.apply.ApplyTesting;
import io.fluxdb.engine.spi.ApplyResult;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A dump of one engine loaded into another yields the same data and objects: character sets, binary values, NULLs,
 * generated columns, foreign keys between tables that load in the wrong order, views on later views, routines with
 * their own sql_mode, triggers with a DEFINER, events, sequences, accounts, roles and grants, and the applied-index
 * bookkeeping; on one connection or several, and with a batch that fails.
 */
@ExtendWith(MariaDbExtension.class)
class DumpRoundTripIT {
    private static MariaDbProcess target;
    private static MySqlEngine sourceEngine;
    private static MySqlEngine targetEngine;

    @BeforeAll
    static void start(MariaDbProcess source) throws SQLException {
        target = MariaDbProcess.builder().start();
        exec(source,
                "SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO'",
                "CREATE DATABASE shop CHARACTER SET latin1",
                "CREATE TABLE shop.z_parent (id INT PRIMARY KEY, name VARCHAR(40)) CHARACTER SET latin1",
                "CREATE TABLE shop.a_child (id INT PRIMARY KEY AUTO_INCREMENT, parent INT,"
                        + " FOREIGN KEY (parent) REFERENCES shop.z_parent (id))",
                "CREATE TABLE shop.kinds (id INT PRIMARY KEY AUTO_INCREMENT,"
                        + " l1 VARCHAR(20) CHARACTER SET latin1, u8 VARCHAR(20) CHARACTER SET utf8mb4,"
                        + " b BLOB, vb VARBINARY(300), bits BIT(5), d DECIMAL(30,10), f DOUBLE, fl FLOAT,"
                        + " dt DATE, ts TIMESTAMP(6) NULL, dtm DATETIME(6), j JSON, e ENUM('x','y'), st SET('a','b'),"
                        + " g POINT, virt INT AS (id * 2) VIRTUAL, stor VARCHAR(30) AS (UPPER(u8)) STORED)",
                "INSERT INTO shop.z_parent VALUES (1, 'caf\u00e9'), (2, NULL)",
                "INSERT INTO shop.a_child (id, parent) VALUES (0, 1), (5, 2), (6, NULL)",
                "INSERT INTO shop.kinds (id, l1, u8, b, vb, bits, d, f, fl, dt, ts, dtm, j, e, st, g) VALUES"
                        + " (1, 'd\u00e9j\u00e0', '\uD83D\uDE00 ok', X'" + allBytes() + "', X'00FF27225C0A0D1A', b'10101',"
                        + " 12345678901234567890.0123456789, 1.7976931348623157e308, 3.25, '0000-00-00',"
                        + " '2024-02-29 23:59:59.123456', '1000-01-01 00:00:00.000001', '{\"k\": [1, \"\u00e9\"]}',"
                        + " 'y', 'a,b', POINT(1.5, -2)),"
                        + " (2, '', '', '', '', b'0', 0, -0.0, 0, NULL, NULL, NULL, NULL, NULL, '', NULL),"
                        + " (3, NULL, 'NULL', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
                "CREATE TABLE shop.big (id INT PRIMARY KEY, payload VARCHAR(200))",
                "INSERT INTO shop.big SELECT seq, REPEAT(CHAR(65 + seq % 26), seq % 200) FROM shop.seq_1_to_5000",
                "CREATE TABLE shop.wide (id INT PRIMARY KEY, code VARCHAR(20) UNIQUE, n INT, KEY (n))",
                "INSERT INTO shop.wide SELECT seq, CONCAT('c-', seq), seq % 97 FROM shop.seq_1_to_3000",
                "CREATE VIEW shop.v_b AS SELECT id, name FROM shop.z_parent",
                "CREATE VIEW shop.v_a AS SELECT id, name FROM shop.v_b WHERE id > 0",
                "CREATE SEQUENCE shop.ticket START WITH 100",
                "DO NEXTVAL(shop.ticket)", "DO NEXTVAL(shop.ticket)",
                "CREATE USER 'app'@'%' IDENTIFIED BY 'app-pass'",
                "CREATE ROLE reader",
                "GRANT SELECT ON shop.* TO reader",
                "GRANT reader TO 'app'@'%'",
                "GRANT INSERT, UPDATE ON shop.big TO 'app'@'%'", "GRANT TRIGGER, SELECT, UPDATE ON shop.z_parent TO 'app'@'%'",
                "SET SESSION sql_mode = 'ANSI_QUOTES,PIPES_AS_CONCAT'",
                "CREATE DEFINER = 'app'@'%' PROCEDURE shop.greet(IN who VARCHAR(20))"
                        + " SELECT 'hello ' || who AS \"greeting\"",
                "SET SESSION sql_mode = 'STRICT_ALL_TABLES'",
                "CREATE FUNCTION shop.twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2",
                "CREATE DEFINER = 'app'@'%' TRIGGER shop.name_upper BEFORE INSERT ON shop.z_parent FOR EACH ROW"
                        + " SET NEW.name = UPPER(NEW.name)",
                "CREATE EVENT shop.nightly ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00' DISABLE"
                        + " DO DELETE FROM shop.big WHERE id < 0");
        sourceEngine = ApplyTesting.engine(source, Map.of());
        ApplyResult applied = sourceEngine.apply(1, transaction("shop", "INSERT INTO big VALUES (-1, 'from the log')"));
        assertThat(applied).isInstanceOf(ApplyResult.Applied.class);
        exec(target, "CREATE DATABASE leftover", "CREATE TABLE leftover.t (id INT)");
        targetEngine = ApplyTesting.engine(target, Map.of());
    }

    @AfterAll
    static void stop() {
        if (sourceEngine != null) {
            sourceEngine.close();
        }
        if (targetEngine != null) {
            targetEngine.close();
        }
        if (target != null) {
            target.close();
        }
    }

    @Test
    void loadedEngineHoldsTheSameDataObjectsAndAppliedIndex(MariaDbProcess source) throws Exception {
        ByteArrayOutputStream dump = new ByteArrayOutputStream();
        sourceEngine.dump(dump);
        targetEngine.restore(new ByteArrayInputStream(dump.toByteArray()));

        assertThat(targetEngine.checksum().tables()).isEqualTo(sourceEngine.checksum().tables())
                .containsKeys("shop.kinds", "shop.big", "shop.a_child", "shop.z_parent");
        assertThat(targetEngine.lastAppliedIndex()).isEqualTo(1);
        assertThat(rows(target, "SHOW DATABASES LIKE 'leftover'")).isEmpty();

        String kinds = "SELECT id, HEX(l1), HEX(u8), MD5(b), HEX(vb), bits + 0, d, f, fl, dt, ts, dtm, j, e, st,"
                + " ST_AsText(g), virt, stor FROM shop.kinds ORDER BY id";
        assertThat(rows(target, kinds)).isEqualTo(rows(source, kinds)).hasSize(3);
        assertThat(rows(target, "SELECT HEX(l1) FROM shop.kinds WHERE id = 1")).containsExactly("64E96AE0");
        assertThat(rows(target, "SELECT id FROM shop.a_child ORDER BY id")).containsExactly("0", "5", "6");
        assertThat(rows(target, "SELECT * FROM shop.v_a ORDER BY id")).containsExactly("1|caf\u00e9", "2|null");

        for (String object : List.of("SHOW CREATE PROCEDURE shop.greet", "SHOW CREATE FUNCTION shop.twice",
                "SELECT TRIGGER_NAME, SQL_MODE, DEFINER, ACTION_STATEMENT FROM information_schema.TRIGGERS",
                "SHOW CREATE EVENT shop.nightly", "SHOW CREATE TABLE shop.kinds",
                "SHOW CREATE VIEW shop.v_a", "SHOW GRANTS FOR 'app'@'%'", "SHOW GRANTS FOR reader")) {
            assertThat(rows(target, object)).as(object).isEqualTo(rows(source, object));
        }
        assertThat(rows(target, "SELECT SQL_MODE FROM information_schema.ROUTINES WHERE ROUTINE_NAME = 'greet'"))
                .containsExactly("PIPES_AS_CONCAT,ANSI_QUOTES");
        // a sequence continues after the values its source had cached, as after a restart of the source
        assertThat(rows(target, "SELECT shop.twice(21), NEXTVAL(shop.ticket)")).containsExactly("42|1100");

        exec(target, "INSERT INTO shop.z_parent VALUES (3, 'lower')");
        assertThat(rows(target, "SELECT name FROM shop.z_parent WHERE id = 3")).containsExactly("LOWER");
        try (Connection app = DriverManager.getConnection(target.jdbcUrl("shop"), "app", "app-pass");
                Statement s = app.createStatement()) {
            s.execute("SET ROLE reader");
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM big")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(5001);
            }
        }

        // the entry the dump carries is not applied again
        assertThat(targetEngine.apply(1, transaction("shop", "INSERT INTO big VALUES (-1, 'from the log')")))
                .isInstanceOf(ApplyResult.AlreadyApplied.class);
    }

    @Test
    void dumpCutShortIsRefused() throws Exception {
        ByteArrayOutputStream dump = new ByteArrayOutputStream();
        sourceEngine.dump(dump);
        byte[] cut = Arrays.copyOf(dump.toByteArray(), dump.size() - 9);
        assertThatThrownBy(() -> targetEngine.restore(new ByteArrayInputStream(cut)))
                .isInstanceOf(IOException.class).hasMessageContaining("cut short");
        assertThatThrownBy(() -> targetEngine.restore(new ByteArrayInputStream("SELECT 1;".getBytes())))
                .isInstanceOf(IOException.class).hasMessageContaining("not a FluxDB MySQL dump");
    }

    /**
     * A dump does not begin while the leader runs a DDL statement (its intent is {@code started}): the intent would
     * travel without saying whether the statement's effect came too. It begins once the statement ended, and carries
     * the intent as {@code executed}, with the statement's effect.
     */
    @Test
    void dumpWaitsForTheLeadersRunningDdlStatement(MariaDbProcess source) throws Exception {
        String xid = io.fluxdb.engine.mysql.apply.TransactionIds.forNode("node-1").next(1);
        sourceEngine.ddlStarting(xid);
        java.util.concurrent.CompletableFuture<byte[]> dumped = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    try {
                        sourceEngine.dump(out);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    return out.toByteArray();
                });
        try {
            Thread.sleep(1000);
            assertThat(dumped).as("a dump while the leader's DDL statement runs").isNotDone();
            exec(source, "CREATE TABLE shop.made_by_leader (id INT)");
            sourceEngine.ddlExecuted(xid);
            byte[] dump = dumped.get(30, java.util.concurrent.TimeUnit.SECONDS);
            targetEngine.restore(new ByteArrayInputStream(dump));
            assertThat(rows(target, "SELECT state FROM fluxdb.ddl_intent WHERE xid = '" + xid + "'"))
                    .containsExactly("executed");
            assertThat(rows(target, "SELECT COUNT(*) FROM shop.made_by_leader")).containsExactly("0");
        } finally {
            sourceEngine.ddlFailed(xid);
            exec(source, "DROP TABLE IF EXISTS shop.made_by_leader");
        }
    }

    /**
     * Batches of 100 rows or 16 KiB load on one connection, on three, and on as many as the engine's processors give,
     * alike: every table (several batches each), view, trigger and routine is as in the source, and the load leaves
     * no connection open and no thread running.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 3, DumpLoader.ENGINE_CONNECTIONS})
    void loadsTheSameOnOneOrSeveralConnections(int connections, MariaDbProcess source) throws Exception {
        ByteArrayOutputStream dump = new ByteArrayOutputStream();
        sourceEngine.dump(dump);
        exec(target, "DROP DATABASE IF EXISTS shop");
        List<Connection> opened = new CopyOnWriteArrayList<>();
        new DumpLoader(tracked(opened), Applier.bookkeepingVersion(), connections, 100, 16 * 1024)
                .load(new ByteArrayInputStream(dump.toByteArray()));

        String checksum = "CHECKSUM TABLE shop.big, shop.wide, shop.kinds, shop.a_child, shop.z_parent";
        assertThat(rows(target, checksum)).isEqualTo(rows(source, checksum)).hasSize(5);
        assertThat(rows(target, "SELECT COUNT(*) FROM shop.wide")).containsExactly("3000");
        assertThat(rows(target, "SELECT COUNT(*) FROM shop.big")).containsExactly("5001");
        for (String object : List.of("SHOW CREATE PROCEDURE shop.greet", "SHOW CREATE FUNCTION shop.twice",
                "SELECT TRIGGER_NAME, SQL_MODE, DEFINER, ACTION_STATEMENT FROM information_schema.TRIGGERS",
                "SHOW CREATE VIEW shop.v_a", "SHOW CREATE TABLE shop.wide", "SHOW CREATE EVENT shop.nightly")) {
            assertThat(rows(target, object)).as(object).isEqualTo(rows(source, object));
        }
        int expected = connections != DumpLoader.ENGINE_CONNECTIONS ? connections : InsertPool.forProcessors(
                java.util.OptionalInt.of(Integer.parseInt(rows(target, "SELECT @@GLOBAL.thread_pool_size").get(0))));
        assertThat(opened).hasSize(expected).allSatisfy(c -> assertThat(c.isClosed()).isTrue());
        assertNoLoaderThreadLeft();
    }

    /**
     * A batch the engine refuses (a duplicate primary key, which InnoDB checks even with unique checks off) fails the
     * load with the engine's error; the statements after it do not run, and no connection or thread is left.
     */
    @Test
    void failedBatchFailsTheLoadAndLeavesNothingRunning() throws Exception {
        ByteArrayOutputStream dump = new ByteArrayOutputStream();
        DumpOutput out = new DumpOutput(dump);
        out.header("test", Applier.bookkeepingVersion());
        out.statement(DumpStatement.plain("", "CREATE DATABASE dup"));
        out.statement(DumpStatement.plain("dup", "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))"));
        out.tableStart("dup", "t", List.of("id", "v"));
        for (int i = 1; i <= 2000; i++) {
            int id = i == 1500 ? 7 : i;
            out.row(new byte[][] {String.valueOf(id).getBytes(), ("v" + i).getBytes()});
        }
        out.tableEnd(2000);
        out.statement(DumpStatement.plain("dup", "CREATE VIEW after_rows AS SELECT id FROM t"));
        out.end(2000);

        List<Connection> opened = new CopyOnWriteArrayList<>();
        DumpLoader loader = new DumpLoader(tracked(opened), Applier.bookkeepingVersion(), 3, 100, 16 * 1024);
        assertThatThrownBy(() -> loader.load(new ByteArrayInputStream(dump.toByteArray())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("1062").hasMessageContaining("Duplicate entry '7'")
                .hasMessageContaining("`dup`.`t`");
        assertThat(rows(target, "SHOW TABLES FROM dup LIKE 'after_rows'")).isEmpty();
        assertThat(opened).hasSize(3).allSatisfy(c -> assertThat(c.isClosed()).isTrue());
        assertNoLoaderThreadLeft();
    }

    private static AdminConnector tracked(List<Connection> opened) {
        return () -> {
            Connection c = DriverManager.getConnection(target.jdbcUrl(""), "root", target.rootPassword());
            opened.add(c);
            return c;
        };
    }

    /** The pool's threads end once the load returns; a dying thread may take a moment to leave the thread list. */
    private static void assertNoLoaderThreadLeft() throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        List<String> left;
        do {
            left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                    .filter(name -> name.startsWith("dump-load-")).toList();
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        assertThat(left).as("loader threads still running").isEmpty();
    }

    private static String allBytes() {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < 256; i++) {
            hex.append(String.format("%02X", i));
        }
        return hex.toString();
    }
}

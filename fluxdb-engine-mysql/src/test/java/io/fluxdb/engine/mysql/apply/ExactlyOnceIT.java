package io.fluxdb.engine.mysql.apply;

import static io.fluxdb.engine.mysql.apply.ApplyTesting.connect;
import static io.fluxdb.engine.mysql.apply.ApplyTesting.count;
import static io.fluxdb.engine.mysql.apply.ApplyTesting.entry;
import static io.fluxdb.engine.mysql.apply.ApplyTesting.exec;
import static io.fluxdb.engine.mysql.apply.ApplyTesting.rows;
import static io.fluxdb.engine.mysql.apply.ApplyTesting.transaction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fluxdb.engine.mysql.MySqlEngine;
import io.fluxdb.engine.spi.ApplyResult;
import io.fluxdb.engine.spi.EngineDump;
import io.fluxdb.engine.spi.EntryKind;
import io.fluxdb.engine.spi.LogEntryContent;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Exactly-once apply on one engine: entries applied twice, the leader's own transactions (committed, prepared,
 * prepared and still attached, rolled back), orphans of a deposed leader, failed entries, and the contiguous applied
 * watermark. Each test uses its own range of log indexes, since they share the engine's bookkeeping.
 */
@ExtendWith(MariaDbExtension.class)
class ExactlyOnceIT {
    private static MySqlEngine engine;
    private static final TransactionIds NODE_1 = TransactionIds.forNode("n1_7072");
    private static final TransactionIds NODE_2 = TransactionIds.forNode("n2_7072");

    @BeforeAll
    static void start(MariaDbProcess db) throws SQLException {
        exec(db, "CREATE DATABASE once", "CREATE TABLE once.t (id INT PRIMARY KEY, v VARCHAR(20))");
        engine = ApplyTesting.engine(db, Map.of("apply-xa-wait", "PT20S"));
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    /**
     * Runs {@code statements} in XA transaction {@code xid} as a leader's front end does, up to XA PREPARE; and, as
     * the front end does, tells the engine first.
     */
    private static Connection prepare(MariaDbProcess db, String xid, String... statements) throws SQLException {
        engine.transactionsBegin();
        Connection c = connect(db, "once");
        exec(c, "XA START '" + xid + "'");
        exec(c, statements);
        exec(c, LeaderCommits.insertStatement(xid), "XA END '" + xid + "'", "XA PREPARE '" + xid + "'");
        return c;
    }

    /** Applies {@code e} in two steps, as parallel apply does, with the front end's word that it committed it here. */
    private static ApplyResult applyCommittedHere(long index, LogEntryContent e) {
        try (var t = engine.beginApply(index, e, true)) {
            ApplyResult result = t.execute();
            t.commit();
            return result;
        }
    }

    /** How many XA RECOVER statements the engine has run. */
    private static long xaRecovers(MariaDbProcess db) throws SQLException {
        return count(db, "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
                + " WHERE VARIABLE_NAME = 'COM_XA_RECOVER'");
    }

    private static List<String> prepared(MariaDbProcess db) throws SQLException {
        return rows(db, "XA RECOVER").stream().map(r -> r.substring(r.lastIndexOf('|') + 1)).toList();
    }

    @Test
    void schemaIsVersionedAndEveryAccountMayRecordLeaderCommits(MariaDbProcess db) throws SQLException {
        ApplyTesting.engine(db, Map.of()).close(); // a second start finds the schema in place
        assertThat(rows(db, "SELECT version FROM fluxdb.schema_version")).containsExactly("3");
        assertThat(rows(db, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'fluxdb'"
                + " ORDER BY 1")).containsExactly("applied_floor", "applied_log", "checksums", "cluster_identity",
                "ddl_intent", "leader_commits", "schema_version");

        exec(db, "CREATE USER plain@'%' IDENTIFIED BY 'plain-pw'", "GRANT INSERT ON once.* TO plain@'%'");
        String xid = NODE_1.next(1);
        try (Connection plain = ApplyTesting.connect(db, "once", "plain", "plain-pw")) {
            exec(plain, "XA START '" + xid + "'", "INSERT INTO t VALUES (9001, 'plain')",
                    LeaderCommits.insertStatement(xid), "XA END '" + xid + "'", "XA PREPARE '" + xid + "'",
                    "XA COMMIT '" + xid + "'");
        }
        assertThat(engine.apply(9001, entry(EntryKind.TRANSACTION, "once", Optional.of(xid),
                "INSERT INTO t VALUES (9001, 'plain')"))).isEqualTo(new ApplyResult.AlreadyApplied(9001));
        assertThat(count(db, "SELECT COUNT(*) FROM once.t WHERE id = 9001")).isEqualTo(1);
    }

    @Test
    void anEntryAppliedTwiceRunsOnce(MariaDbProcess db) throws SQLException {
        LogEntryContent e = transaction("once", "INSERT INTO t VALUES (1001, 'a')", "UPDATE t SET v = 'b' WHERE id = 1001");

        assertThat(engine.apply(1001, e)).isEqualTo(new ApplyResult.Applied(1001, List.of(1L, 1L)));
        assertThat(engine.apply(1001, e)).isEqualTo(new ApplyResult.AlreadyApplied(1001));
        try (var t = engine.beginApply(1001, e)) {
            assertThat(t.execute()).isEqualTo(new ApplyResult.AlreadyApplied(1001));
            t.commit();
        }
        assertThat(rows(db, "SELECT v FROM once.t WHERE id = 1001")).containsExactly("b");
    }

    @Test
    void theLeadersCommittedTransactionIsRecordedNotRunAgain(MariaDbProcess db) throws SQLException {
        String xid = NODE_1.next(1);
        try (Connection c = prepare(db, xid, "INSERT INTO t VALUES (2001, 'leader')")) {
            exec(c, "XA COMMIT '" + xid + "'");
        }
        LogEntryContent e = entry(EntryKind.TRANSACTION, "once", Optional.of(xid), "INSERT INTO t VALUES (2001, 'leader')");

        assertThat(engine.apply(2001, e)).isEqualTo(new ApplyResult.AlreadyApplied(2001));
        assertThat(count(db, "SELECT COUNT(*) FROM once.t WHERE id = 2001")).isEqualTo(1);
        assertThat(count(db, "SELECT COUNT(*) FROM fluxdb.leader_commits WHERE xid = '" + xid + "'")).isZero();
        assertThat(count(db, "SELECT COUNT(*) FROM fluxdb.applied_log WHERE idx = 2001")).isEqualTo(1);
        assertThat(engine.apply(2001, e)).isEqualTo(new ApplyResult.AlreadyApplied(2001));
    }

    @Test
    void anEntryItsFrontEndCommittedHereIsOnlyRecorded(MariaDbProcess db) throws SQLException {
        String xid = NODE_1.next(1);
        try (Connection c = prepare(db, xid, "INSERT INTO t VALUES (2101, 'leader')")) {
            exec(c, "XA COMMIT '" + xid + "'");
        }
        LogEntryContent e = entry(EntryKind.TRANSACTION, "once", Optional.of(xid), "INSERT INTO t VALUES (2101, 'leader')");

        long recovers = xaRecovers(db);
        assertThat(applyCommittedHere(2101, e)).isEqualTo(new ApplyResult.AlreadyApplied(2101));
        // only recorded: no look at the prepared transactions
        assertThat(xaRecovers(db)).isEqualTo(recovers);
        assertThat(count(db, "SELECT COUNT(*) FROM once.t WHERE id = 2101")).isEqualTo(1);
        assertThat(count(db, "SELECT COUNT(*) FROM fluxdb.leader_commits WHERE xid = '" + xid + "'")).isZero();
        assertThat(count(db, "SELECT COUNT(*) FROM fluxdb.applied_log WHERE idx = 2101")).isEqualTo(1);
        assertThat(applyCommittedHere(2101, e)).isEqualTo(new ApplyResult.AlreadyApplied(2101));
        assertThat(count(db, "SELECT COUNT(*) FROM once.t WHERE id = 2101")).isEqualTo(1);
    }

    /** The hint is the front end's word; where the engine shows no commit (a wrong hint), the entry runs. */
    @Test
    void anEntrySaidCommittedHereThatIsNotRunsFromItsStatements(MariaDbProcess db) throws SQLException {
        String xid = NODE_1.next(1);
        LogEntryContent e = entry(EntryKind.TRANSACTION, "once", Optional.of(xid), "INSERT INTO t VALUES (2201, 'log')");

        assertThat(applyCommittedHere(2201, e)).isEqualTo(new ApplyResult.Applied(2201, List.of(1L)));
        assertThat(rows(db, "SELECT v FROM once.t WHERE id = 2201")).containsExactly("log");
        assertThat(count(db, "SELECT COUNT(*) FROM fluxdb.applied_log WHERE idx = 2201")).isEqualTo(1);
    }

    /**
     * Said committed, but prepared only (an engine that lost the commit in a crash): the fast path meets the prepared
     * transaction's lock, gives up after a second, and the entry goes the whole way, committing it.
     */
    @Test
    void anEntrySaidCommittedHereButStillPreparedIsCommittedByApply(MariaDbProcess db) throws SQLException {
        String xid = NODE_1.next(1);
        prepare(db, xid, "INSERT INTO t VALUES (2301, 'prepared')").close();
        assertThat(prepared(db)).contains(xid);
        LogEntryContent e = entry(EntryKind.TRANSACTION, "once", Optional.of(xid),
                "INSERT INTO t VALUES (2301, 'prepared')");

        assertThat(applyCommittedHere(2301, e)).isEqualTo(new ApplyResult.AlreadyApplied(2301));
        assertThat(prepared(db)).doesNotContain(xid);
        assertThat(rows(db, "SELECT v FROM once.t WHERE id = 2301")).containsExactly("prepared");
        assertThat(count(db, "SELECT COUNT(*) FROM fluxdb.leader_commits WHERE xid = '" + xid + "'")).isZero();
        assertThat(count(db, "SELECT COUNT(*) FROM fluxdb.applied_log WHERE idx = 2301")).isEqualTo(1);
    }

    /**
     * A node restarted after it prepared a transaction as leader has not begun any in this run, but apply still
     * finds the one its engine holds prepared (it looks for them because the engine held one when apply started).
     */
    @Test
    void aTransactionPreparedBeforeApplyStartedIsCommittedByApply(MariaDbProcess db) throws SQLException {
        String xid = NODE_2.next(1);
        prepare(db, xid, "INSERT INTO t VALUES (3201, 'before start')").close();
        MySqlEngine restarted = ApplyTesting.engine(db, Map.of("apply-xa-wait", "PT20S"));
        try {
            LogEntryContent e = entry(EntryKind.TRANSACTION, "once", Optional.of(xid),
                    "INSERT INTO t VALUES (3201, 'before start')");
            assertThat(restarted.apply(3201, e)).isEqualTo(new ApplyResult.AlreadyApplied(3201));
        } finally {
            restarted.close();
        }
        assertThat(prepared(db)).doesNotContain(xid);
        assertThat(count(db, "SELECT COUNT(*) FROM once.t WHERE id = 3201")).isEqualTo(1);
    }

    @Test
    void aPreparedTransactionOfTheLeaderIsCommittedByApply(MariaDbProcess db) throws SQLException {
        String xid = NODE_1.next(1);
        prepare(db, xid, "INSERT INTO t VALUES (3001, 'prepared')").close(); // the leader's connection is gone
        assertThat(prepared(db)).contains(xid);
        LogEntryContent e = entry(EntryKind.TRANSACTION, "once", Optional.of(xid),
                "INSERT INTO t VALUES (3001, 'prepared')");

        assertThat(engine.apply(3001, e)).isEqualTo(new ApplyResult.AlreadyApplied(3001));
        assertThat(prepared(db)).doesNotContain(xid);
        assertThat(rows(db, "SELECT v FROM once.t WHERE id = 3001")).containsExactly("prepared");
        assertThat(count(db, "SELECT COUNT(*) FROM fluxdb.leader_commits WHERE xid = '" + xid + "'")).isZero();
    }

    @Test
    void applyWaitsWhileTheLeadersConnectionStillHoldsThePreparedTransaction(MariaDbProcess db) throws Exception {
        String xid = NODE_1.next(1);
        Connection leader = prepare(db, xid, "INSERT INTO t VALUES (3101, 'held')");
        LogEntryContent e = entry(EntryKind.TRANSACTION, "once", Optional.of(xid), "INSERT INTO t VALUES (3101, 'held')");

        CompletableFuture<ApplyResult> applied = CompletableFuture.supplyAsync(() -> engine.apply(3101, e));
        leader.close();

        assertThat(applied.get()).isEqualTo(new ApplyResult.AlreadyApplied(3101));
        assertThat(count(db, "SELECT COUNT(*) FROM once.t WHERE id = 3101")).isEqualTo(1);
        assertThat(prepared(db)).doesNotContain(xid);
    }

    /**
     * A deposed leader that loads a peer's dump (a snapshot install, a re-sync) may still hold transactions it
     * prepared. Committed after the load, one would land in data the dump replaced, and its leader_commits row would
     * make apply skip the entry's statements: the write would be lost. The load rolls them back first.
     */
    @Test
    void aDumpLoadedOverAPreparedTransactionRollsItBackAndItsEntryRunsFromItsStatements(MariaDbProcess db)
            throws Exception {
        ByteArrayOutputStream dump = new ByteArrayOutputStream();
        try (EngineDump d = engine.beginDump()) {
            d.writeTo(dump);
        }
        String xid = NODE_1.next(1);
        prepare(db, xid, "INSERT INTO t VALUES (8001, 'prepared')").close(); // detached, as after a lost session
        assertThat(prepared(db)).contains(xid);

        engine.restore(new ByteArrayInputStream(dump.toByteArray()));

        assertThat(prepared(db)).doesNotContain(xid);
        assertThat(count(db, "SELECT COUNT(*) FROM once.t WHERE id = 8001")).isZero();
        LogEntryContent e = entry(EntryKind.TRANSACTION, "once", Optional.of(xid),
                "INSERT INTO t VALUES (8001, 'prepared')");
        assertThat(engine.apply(8001, e)).isEqualTo(new ApplyResult.Applied(8001, List.of(1L)));
        assertThat(rows(db, "SELECT v FROM once.t WHERE id = 8001")).containsExactly("prepared");
    }

    @Test
    void aTransactionTheLeaderRolledBackIsAppliedFromItsStatements(MariaDbProcess db) throws SQLException {
        String xid = NODE_1.next(1);
        try (Connection c = prepare(db, xid, "INSERT INTO t VALUES (4001, 'again')")) {
            exec(c, "XA ROLLBACK '" + xid + "'");
        }
        LogEntryContent e = entry(EntryKind.TRANSACTION, "once", Optional.of(xid), "INSERT INTO t VALUES (4001, 'again')");

        assertThat(engine.apply(4001, e)).isEqualTo(new ApplyResult.Applied(4001, List.of(1L)));
        assertThat(count(db, "SELECT COUNT(*) FROM once.t WHERE id = 4001")).isEqualTo(1);
    }

    @Test
    void orphansOfOlderTermsOfThisNodeAreRolledBack(MariaDbProcess db) throws SQLException {
        String old = NODE_1.next(1);
        String current = NODE_1.next(2);
        String otherNode = NODE_2.next(1);
        prepare(db, old, "INSERT INTO t VALUES (5001, 'old')").close();
        prepare(db, current, "INSERT INTO t VALUES (5002, 'current')").close();
        prepare(db, otherNode, "INSERT INTO t VALUES (5003, 'other')").close();

        assertThat(engine.resolveOrphans("n1_7072", 2)).isEmpty();

        assertThat(prepared(db)).doesNotContain(old).contains(current, otherNode);
        assertThat(count(db, "SELECT COUNT(*) FROM once.t WHERE id = 5001")).isZero();
        // Its locks are gone: the same key can be written at once.
        exec(db, "SET SESSION innodb_lock_wait_timeout = 1", "INSERT INTO once.t VALUES (5001, 'free')");
        exec(db, "XA ROLLBACK '" + current + "'", "XA ROLLBACK '" + otherNode + "'");
    }

    @Test
    void aFailedEntryIsRolledBackAndRecorded(MariaDbProcess db) throws SQLException {
        exec(db, "INSERT INTO once.t VALUES (6000, 'taken')");
        LogEntryContent e = transaction("once", "INSERT INTO t VALUES (6001, 'first')", "INSERT INTO t VALUES (6000, 'dup')");

        ApplyResult result = engine.apply(6001, e);

        assertThat(result).isInstanceOfSatisfying(ApplyResult.Failed.class, f -> {
            assertThat(f.statement()).isEqualTo(1);
            assertThat(f.errorCode()).isEqualTo(1062);
            assertThat(f.sqlState()).isEqualTo("23000");
            assertThat(f.message()).contains("Duplicate entry");
        });
        assertThat(count(db, "SELECT COUNT(*) FROM once.t WHERE id = 6001")).isZero();
        assertThat(rows(db, "SELECT error_code FROM fluxdb.applied_log WHERE idx = 6001")).containsExactly("1062");
        assertThat(engine.apply(6001, e)).isEqualTo(new ApplyResult.AlreadyApplied(6001));
    }

    @Test
    void leaderDdlWithAnExecutedIntentIsRecordedNotRunAgain(MariaDbProcess db) throws SQLException {
        String xid = NODE_1.next(1);
        engine.ddlStarting(xid);
        exec(db, "CREATE TABLE once.made_by_leader (id INT)");
        engine.ddlExecuted(xid);
        LogEntryContent e = entry(EntryKind.IMPLICIT_COMMIT, "once", Optional.of(xid),
                "CREATE TABLE made_by_leader (id INT)");

        assertThat(engine.apply(7001, e)).isEqualTo(new ApplyResult.AlreadyApplied(7001));
        assertThat(count(db, "SELECT COUNT(*) FROM fluxdb.ddl_intent WHERE xid = '" + xid + "'")).isZero();
        assertThat(count(db, "SELECT COUNT(*) FROM fluxdb.applied_log WHERE idx = 7001")).isEqualTo(1);
    }

    @Test
    void leaderDdlWhoseEntryNeverCameIsReportedUnlessItNeverRan(MariaDbProcess db) throws SQLException {
        String neverRan = NODE_1.next(1);
        engine.ddlStarting(neverRan);
        assertThat(engine.resolveOrphans("n1_7072", 2)).isEmpty();
        assertThat(count(db, "SELECT COUNT(*) FROM fluxdb.ddl_intent WHERE xid = '" + neverRan + "'")).isZero();

        String ran = NODE_1.next(1);
        engine.ddlStarting(ran);
        exec(db, "ALTER TABLE once.t ADD COLUMN orphaned INT");

        List<String> differences = engine.resolveOrphans("n1_7072", 2);
        assertThat(differences).singleElement().asString().contains(ran).contains("never committed");
        assertThat(engine.resolveOrphans("n1_7072", 3)).as("reported until the node is rebuilt").hasSize(1);
        assertThat(engine.resolveOrphans("n2_7072", 3)).as("another node's view").isEmpty();
        exec(db, "DELETE FROM fluxdb.ddl_intent", "ALTER TABLE once.t DROP COLUMN orphaned");
    }

    @Test
    void appliedIndexIsContiguousWithOutOfOrderCommitsAndSurvivesPruning(MariaDbProcess db) throws SQLException {
        exec(db, "CREATE TABLE once.w (idx INT PRIMARY KEY)");
        try (MySqlEngine pruning = ApplyTesting.engine(db, Map.of("apply-prune-interval", "5"))) {
            apply(pruning, 1, 2, 4);
            assertThat(pruning.lastAppliedIndex()).isEqualTo(2);
            apply(pruning, 3);
            assertThat(pruning.lastAppliedIndex()).isEqualTo(4);

            List<Integer> rest = new ArrayList<>();
            for (int i = 5; i <= 40; i++) {
                rest.add(i);
            }
            Collections.shuffle(rest, new Random(7));
            apply(pruning, rest.stream().mapToInt(Integer::intValue).toArray());
            assertThat(pruning.lastAppliedIndex()).isEqualTo(40);
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    count(db, "SELECT idx FROM fluxdb.applied_floor") >= 35);
            assertThat(count(db, "SELECT COUNT(*) FROM fluxdb.applied_log WHERE idx <= 40")).isLessThan(6);
        }
        try (MySqlEngine restarted = ApplyTesting.engine(db, Map.of())) {
            assertThat(restarted.lastAppliedIndex()).isEqualTo(40);
            assertThat(restarted.apply(3, transaction("once", "INSERT INTO w VALUES (3)")))
                    .isEqualTo(new ApplyResult.AlreadyApplied(3));
            apply(restarted, 41);
            assertThat(restarted.lastAppliedIndex()).isEqualTo(41);
        }
        assertThat(count(db, "SELECT COUNT(*) FROM once.w")).isEqualTo(41);
    }

    private static void apply(MySqlEngine engine, int... indexes) {
        for (int idx : indexes) {
            assertThat(engine.apply(idx, transaction("once", "INSERT INTO w VALUES (" + idx + ")")))
                    .isInstanceOf(ApplyResult.Applied.class);
        }
    }
}

package io.fluxdb.engine.mysql.apply;

import static io.fluxdb.engine.mysql.apply.ApplyTesting.count;
import static io.fluxdb.engine.mysql.apply.ApplyTesting.entry;
import static io.fluxdb.engine.mysql.apply.ApplyTesting.exec;
import static io.fluxdb.engine.mysql.apply.ApplyTesting.rows;
import static io.fluxdb.engine.mysql.apply.ApplyTesting.transaction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.engine.mysql.MySqlEngine;
import io.fluxdb.engine.spi.ApplyConflictException;
import io.fluxdb.engine.spi.ApplyResult;
import io.fluxdb.engine.spi.ApplyTransaction;
import io.fluxdb.engine.spi.EntryKind;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two-step apply: entries held open at the same time, commits in and out of log order, and lock conflicts. */
@ExtendWith(MariaDbExtension.class)
class ParallelApplyIT {
    private static MySqlEngine engine;

    @BeforeAll
    static void start(MariaDbProcess db) throws SQLException {
        exec(db, "CREATE DATABASE par", "CREATE TABLE par.t (id INT PRIMARY KEY, v INT)",
                "INSERT INTO par.t VALUES (1, 0), (2, 0)");
        engine = ApplyTesting.engine(db, Map.of()); // gives up a lock wait at once (apply-lock-wait-timeout PT0S)
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @Test
    void independentEntriesRunAtTheSameTimeAndTheAppliedIndexFollowsTheContiguousCommits(MariaDbProcess db)
            throws Exception {
        try (ApplyTransaction first = engine.beginApply(1, transaction("par", "INSERT INTO t VALUES (10, 1)"));
                ApplyTransaction second = engine.beginApply(2, transaction("par", "INSERT INTO t VALUES (11, 2)"));
                ApplyTransaction third = engine.beginApply(3, transaction("par", "INSERT INTO t VALUES (12, 3)"))) {
            CompletableFuture<ApplyResult> one = CompletableFuture.supplyAsync(first::execute);
            CompletableFuture<ApplyResult> two = CompletableFuture.supplyAsync(second::execute);
            CompletableFuture<ApplyResult> three = CompletableFuture.supplyAsync(third::execute);

            assertThat(one.get()).isEqualTo(new ApplyResult.Applied(1, List.of(1L)));
            assertThat(two.get()).isEqualTo(new ApplyResult.Applied(2, List.of(1L)));
            assertThat(three.get()).isEqualTo(new ApplyResult.Applied(3, List.of(1L)));
            // All three are open at once, none is visible yet.
            assertThat(count(db, "SELECT COUNT(*) FROM par.t WHERE id IN (10, 11, 12)")).isZero();

            second.commit();
            assertThat(engine.lastAppliedIndex()).as("2 committed, 1 not yet").isZero();
            first.commit();
            assertThat(engine.lastAppliedIndex()).isEqualTo(2);
            third.commit();
        }
        assertThat(engine.lastAppliedIndex()).isEqualTo(3);
        assertThat(count(db, "SELECT COUNT(*) FROM par.t WHERE id IN (10, 11, 12)")).isEqualTo(3);
    }

    @Test
    void anEntryThatWaitsForALaterOnesLockConflictsAndRunsAgainAfterIt(MariaDbProcess db) throws SQLException {
        ApplyTransaction earlier = engine.beginApply(20, transaction("par", "UPDATE t SET v = v * 10 WHERE id = 1"));
        ApplyTransaction later = engine.beginApply(21, transaction("par", "UPDATE t SET v = v + 5 WHERE id = 1"));
        assertThat(earlier.execute()).isInstanceOf(ApplyResult.Applied.class);

        assertThatThrownBy(later::execute)
                .isInstanceOf(ApplyConflictException.class)
                .hasMessageContaining("entry 21")
                .hasMessageContaining("1205");
        assertThatThrownBy(later::commit).isInstanceOf(IllegalStateException.class);
        later.close();
        earlier.commit();

        try (ApplyTransaction again = engine.beginApply(21, transaction("par",
                "UPDATE t SET v = v + 5 WHERE id = 1"))) {
            assertThat(again.execute()).isEqualTo(new ApplyResult.Applied(21, List.of(1L)));
            again.commit();
        }
        assertThat(rows(db, "SELECT v FROM par.t WHERE id = 1")).containsExactly("5"); // 0 * 10 + 5: log order
        assertThat(count(db, "SELECT COUNT(*) FROM fluxdb.applied_log WHERE idx IN (20, 21)")).isEqualTo(2);
    }

    @Test
    void aFailedEntryIsRecordedAtCommit(MariaDbProcess db) throws SQLException {
        try (ApplyTransaction t = engine.beginApply(30, transaction("par", "UPDATE t SET v = 99 WHERE id = 2",
                "INSERT INTO t VALUES (1, 1)"))) {
            assertThat(t.execute()).isInstanceOfSatisfying(ApplyResult.Failed.class,
                    f -> assertThat(f.errorCode()).isEqualTo(1062));
            assertThat(count(db, "SELECT COUNT(*) FROM fluxdb.applied_log WHERE idx = 30")).isZero();
            t.commit();
        }
        assertThat(count(db, "SELECT COUNT(*) FROM fluxdb.applied_log WHERE idx = 30")).isEqualTo(1);
        assertThat(rows(db, "SELECT v FROM par.t WHERE id = 2")).containsExactly("0");
    }

    @Test
    void closingWithoutCommitLeavesTheIndexUnrecorded(MariaDbProcess db) throws SQLException {
        try (ApplyTransaction t = engine.beginApply(40, transaction("par", "INSERT INTO t VALUES (40, 40)"))) {
            t.execute();
        }
        assertThat(count(db, "SELECT COUNT(*) FROM par.t WHERE id = 40")).isZero();
        assertThat(engine.apply(40, transaction("par", "INSERT INTO t VALUES (40, 40)")))
                .isInstanceOf(ApplyResult.Applied.class);
    }

    @Test
    void implicitCommitEntriesCannotBeHeldOpen() {
        assertThatThrownBy(() -> engine.beginApply(50, entry(EntryKind.IMPLICIT_COMMIT, "par", Optional.empty(),
                "CREATE TABLE x (a INT)")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("apply()");
    }
}

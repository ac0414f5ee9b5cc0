package io.fluxdb.replication.statemachine;

import static io.fluxdb.replication.testing.Entries.envelope;
import static io.fluxdb.replication.testing.Entries.implicitCommit;
import static io.fluxdb.replication.testing.Entries.transaction;
import static io.fluxdb.replication.testing.Entries.withRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fluxdb.engine.spi.ClusterException;
import io.fluxdb.replication.statemachine.ApplyScheduler.Watermark;
import io.fluxdb.replication.testing.TestEngine;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ApplySchedulerTest {
    private static final String PEER = "n2";

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final TestEngine engine = new TestEngine("n1");
    private ApplyScheduler scheduler = scheduler(Duration.ofSeconds(30));

    @AfterEach
    void close() {
        scheduler.close();
        timer.shutdownNow();
    }

    private ApplyScheduler scheduler(Duration settleTimeout) {
        return new ApplyScheduler(engine, "n1", new Watermark(0, -1), new ApplySettings(8, settleTimeout), timer,
                Runnable::run, () -> { });
    }

    private void awaitApplied(long index) throws Exception {
        scheduler.awaitApplied(index).get(5, TimeUnit.SECONDS);
    }

    @Test
    void appliesEntriesInLogOrderAndCountsMarkers() throws Exception {
        scheduler.enqueueMarker(1, 0);
        for (long i = 1; i <= 5; i++) {
            scheduler.enqueueEntry(1, i, envelope(i - 1, transaction(PEER, "put k" + i + " v")), false);
        }
        scheduler.enqueueMarker(1, 6);
        awaitApplied(6);
        assertThat(engine.commitOrder).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(scheduler.watermark()).isEqualTo(new Watermark(1, 6));
        assertThat(engine.data()).containsEntry("k5", "v");
    }

    @Test
    void executesIndependentEntriesTogetherAndCommitsThemInLogOrder() throws Exception {
        scheduler.enqueueMarker(1, 0);
        // the first one takes longest: the others execute meanwhile and wait for it to commit first
        scheduler.enqueueEntry(1, 1, envelope(0, transaction(PEER, "sleep 200", "put a 1")), false);
        for (long i = 2; i <= 4; i++) {
            scheduler.enqueueEntry(1, i, envelope(0, transaction(PEER, "sleep 50", "put p" + i + " 1")), false);
        }
        awaitApplied(4);
        assertThat(engine.maxConcurrentExecutions()).isGreaterThanOrEqualTo(2);
        assertThat(engine.commitOrder).containsExactly(1L, 2L, 3L, 4L);
        assertThat(engine.executionTimes.get(2L)[1]).isLessThan(engine.executionTimes.get(1L)[1]);
    }

    @Test
    void aHoldLetsStartedEntriesFinishAndStartsNoneAfterThemUntilReleased() throws Exception {
        scheduler.enqueueMarker(1, 0);
        scheduler.enqueueEntry(1, 1, envelope(0, transaction(PEER, "sleep 150", "put a 1")), false);
        await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.inFlight() == 1);
        try (ApplyScheduler.Hold hold = scheduler.hold(Duration.ofSeconds(5))) {
            // entry 1 was running: the hold waited for it
            assertThat(hold.watermark()).isEqualTo(new Watermark(1, 1));
            scheduler.enqueueEntry(1, 2, envelope(1, transaction(PEER, "put b 2")), false);
            CompletableFuture<Void> second = scheduler.awaitApplied(2);
            assertThatThrownBy(() -> second.get(300, TimeUnit.MILLISECONDS))
                    .isInstanceOf(java.util.concurrent.TimeoutException.class);
            assertThat(engine.value("b")).isEmpty();
        }
        awaitApplied(2);
        assertThat(engine.value("b")).contains("2");
    }

    @Test
    void aHoldThatCannotGetQuietInTimeIsReleased() throws Exception {
        scheduler.enqueueMarker(1, 0);
        scheduler.enqueueEntry(1, 1, envelope(0, transaction(PEER, "sleep 1000", "put a 1")), false);
        await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.inFlight() == 1);
        assertThatThrownBy(() -> scheduler.hold(Duration.ofMillis(100)))
                .isInstanceOf(java.util.concurrent.TimeoutException.class);
        scheduler.enqueueEntry(1, 2, envelope(1, transaction(PEER, "put b 2")), false);
        awaitApplied(2);
        assertThat(engine.value("b")).contains("2");
    }

    @Test
    void anEntryExecutesOnlyAfterEverythingUpToItsLastCommittedHasCommitted() throws Exception {
        scheduler.enqueueMarker(1, 0);
        scheduler.enqueueEntry(1, 1, envelope(0, transaction(PEER, "sleep 100", "put a 1")), false);
        scheduler.enqueueEntry(1, 2, envelope(1, transaction(PEER, "put a 2")), false);
        awaitApplied(2);
        assertThat(engine.executionTimes.get(2L)[0]).isGreaterThanOrEqualTo(engine.executionTimes.get(1L)[1]);
        assertThat(engine.value("a")).contains("2");
    }

    @Test
    void anImplicitCommitEntryRunsAlone() throws Exception {
        scheduler.enqueueMarker(1, 0);
        scheduler.enqueueEntry(1, 1, envelope(0, transaction(PEER, "sleep 100")), false);
        scheduler.enqueueEntry(1, 2, envelope(0, implicitCommit(PEER, "sleep 50")), false);
        scheduler.enqueueEntry(1, 3, envelope(0, transaction(PEER, "sleep 10")), false);
        awaitApplied(3);
        assertThat(engine.executionTimes.get(2L)[0]).isGreaterThanOrEqualTo(engine.executionTimes.get(1L)[1]);
        assertThat(engine.executionTimes.get(3L)[0]).isGreaterThanOrEqualTo(engine.executionTimes.get(2L)[1]);
        assertThat(engine.commitOrder).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aConflictRunsTheEntryAgainAloneAndRollsBackTheOnesAfterIt() throws Exception {
        engine.lockWait = Duration.ofMillis(100);
        scheduler.enqueueMarker(1, 0);
        // entry 2 takes the row lock first and waits for entry 1 to commit; entry 1 then waits for that lock
        scheduler.enqueueEntry(1, 1, envelope(0, transaction(PEER, "sleep 150", "put k first")), false);
        scheduler.enqueueEntry(1, 2, envelope(0, transaction(PEER, "put k second")), false);
        awaitApplied(2);
        assertThat(engine.conflicts.get()).isGreaterThanOrEqualTo(1);
        assertThat(engine.executionsOf(1)).isEqualTo(2);
        assertThat(engine.executionsOf(2)).isEqualTo(2);
        assertThat(engine.commitOrder).containsExactly(1L, 2L);
        assertThat(engine.value("k")).contains("second");
    }

    @Test
    void anEntryThisNodeSubmittedWaitsForItsSettleAndHoldsBackLaterCommits() throws Exception {
        scheduler.enqueueMarker(1, 0);
        scheduler.enqueueEntry(1, 1, envelope(0, transaction("n1", "put mine 1")), true);
        scheduler.enqueueEntry(1, 2, envelope(0, transaction(PEER, "put theirs 1")), false);
        await().atMost(Duration.ofSeconds(5)).until(() -> engine.executionsOf(2) == 1);
        assertThat(scheduler.watermark().index()).isZero();
        assertThat(engine.executionsOf(1)).isZero();

        scheduler.settle(1, false);
        awaitApplied(2);
        assertThat(engine.commitOrder).containsExactly(1L, 2L);
    }

    @Test
    void theFrontEndsSettleReachesTheEngineAsItsHint() throws Exception {
        scheduler.enqueueMarker(1, 0);
        scheduler.enqueueEntry(1, 1, envelope(0, transaction("n1", "put mine 1")), true);
        scheduler.enqueueEntry(1, 2, envelope(0, transaction("n1", "put mine 2")), true);
        scheduler.enqueueEntry(1, 3, envelope(0, transaction(PEER, "put theirs 1")), false);
        scheduler.settle(1, true);
        scheduler.settle(2, false);
        awaitApplied(3);
        assertThat(engine.committedHereHints).containsEntry(1L, true).containsEntry(2L, false)
                .containsEntry(3L, false);
    }

    @Test
    void anUnsettledEntryIsAppliedAfterTheSettleTimeout() throws Exception {
        scheduler.close();
        scheduler = scheduler(Duration.ofMillis(100));
        scheduler.enqueueMarker(1, 0);
        scheduler.enqueueEntry(1, 1, envelope(0, transaction("n1", "put mine 1")), true);
        awaitApplied(1);
        assertThat(engine.value("mine")).contains("1");
    }

    @Test
    void otherAffectedRowsOrAFailureThanOnTheLeaderIsADivergence() throws Exception {
        scheduler.enqueueMarker(1, 0);
        scheduler.enqueueEntry(1, 1, envelope(0, withRows(PEER, "rows 3", 3)), false);
        awaitApplied(1);
        assertThat(scheduler.divergence()).isEmpty();

        scheduler.enqueueEntry(1, 2, envelope(1, withRows(PEER, "rows 3", 5)), false);
        scheduler.enqueueEntry(1, 3, envelope(2, transaction(PEER, "put a 1", "fail")), false);
        awaitApplied(3);
        assertThat(scheduler.divergence()).hasValueSatisfying(reason -> assertThat(reason)
                .contains("entry 2: statement 0 changed 3 rows here but 5 on the leader").contains("and 1 more"));
    }

    @Test
    void anEngineThatAnswersAgainResumesApplyingWhereItStopped() throws Exception {
        scheduler.enqueueMarker(1, 0);
        scheduler.enqueueEntry(1, 1, envelope(0, transaction(PEER, "put before 1")), false);
        awaitApplied(1);
        engine.loseConnection();
        scheduler.enqueueEntry(1, 2, envelope(1, transaction(PEER, "put during 2")), false);
        scheduler.enqueueEntry(1, 3, envelope(1, transaction(PEER, "put during 3")), false);
        await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.failure().isPresent());
        assertThat(scheduler.watermark().index()).isEqualTo(1);

        engine.reconnect();
        awaitApplied(3);
        assertThat(scheduler.failure()).isEmpty();
        assertThat(engine.value("during")).contains("3");
        assertThat(engine.appliedLog()).containsKeys(1L, 2L, 3L);
    }

    @Test
    void aFullBacklogHoldsTheFeederBackUntilEntriesAreApplied() throws Exception {
        scheduler.enqueueMarker(1, 0);
        engine.loseConnection();
        long last = ApplyScheduler.MAX_BACKLOG;
        for (long index = 1; index <= last; index++) {
            scheduler.awaitRoom();
            scheduler.enqueueEntry(1, index, envelope(0, transaction(PEER, "put k" + index + " 1")), false);
        }
        CompletableFuture<Void> feeder = CompletableFuture.runAsync(() -> {
            try {
                scheduler.awaitRoom();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            scheduler.enqueueEntry(1, last + 1, envelope(0, transaction(PEER, "put beyond 1")), false);
        });
        Thread.sleep(500);
        assertThat(feeder).as("the feeder waits while the backlog is full").isNotDone();
        assertThat(scheduler.backlog()).isEqualTo(ApplyScheduler.MAX_BACKLOG);

        engine.reconnect();
        feeder.get(30, java.util.concurrent.TimeUnit.SECONDS);
        awaitApplied(last + 1);
        assertThat(engine.value("beyond")).contains("1");
    }

    @Test
    void anEngineThatStopsAnsweringFailsApplyingWithoutAnEntry() {
        scheduler.enqueueMarker(1, 0);
        engine.loseConnection();
        await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.failure().isPresent());
        assertThat(scheduler.failure()).hasValueSatisfying(t -> assertThat(t)
                .hasMessageContaining("the engine does not answer: engine connection lost"));
        engine.reconnect();
        await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.failure().isEmpty());
    }

    @Test
    void anEngineFailureStopsApplyingAndNothingIsSkipped() {
        scheduler.enqueueMarker(1, 0);
        scheduler.enqueueEntry(1, 1, envelope(0, transaction(PEER, "crash")), false);
        scheduler.enqueueEntry(1, 2, envelope(1, transaction(PEER, "put after 1")), false);
        await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.failure().isPresent());
        scheduler.enqueueEntry(1, 3, envelope(0, transaction(PEER, "put later 1")), false);
        assertThat(scheduler.failure()).hasValueSatisfying(t -> assertThat(t).hasMessage("engine connection lost"));
        assertThat(scheduler.watermark().index()).isZero();
        assertThat(engine.appliedLog()).isEmpty();
        assertThat(engine.callsFor(2)).isZero();
    }

    @Test
    void orphansOfOlderTermsAreResolvedOnceTheirEntriesAreApplied() throws Exception {
        engine.orphanDifferences = List.of("DDL of xid fx-1-n1-ab-3 ran here but its entry never came");
        scheduler.enqueueMarker(1, 0);
        scheduler.enqueueEntry(1, 1, envelope(0, transaction(PEER, "sleep 100", "put a 1")), false);
        scheduler.enqueueMarker(2, 2);
        scheduler.enqueueEntry(2, 3, envelope(0, transaction(PEER, "put b 1")), false);
        awaitApplied(3);
        assertThat(engine.orphanChecks).containsExactly(1L, 2L);
        assertThat(engine.orphanCheckApplied).containsExactly(0L, 1L);
        assertThat(engine.executionTimes.get(3L)[0]).isGreaterThanOrEqualTo(engine.executionTimes.get(1L)[1]);
        assertThat(scheduler.divergence()).hasValueSatisfying(r -> assertThat(r).contains("its entry never came"));
    }

    @Test
    void aChangeOutsideTheLogDivergesTheNodeAtOnceAsAnOrphanWould() throws Exception {
        scheduler.enqueueMarker(1, 0);
        scheduler.enqueueEntry(1, 1, envelope(0, transaction(PEER, "put a 1")), false);
        awaitApplied(1);
        assertThat(scheduler.divergence()).isEmpty();

        scheduler.divergedOutsideTheLog("DDL statement fx-1-n1-ab-4 ran here and its entry never reached the log");

        assertThat(scheduler.divergence()).hasValueSatisfying(r -> assertThat(r).contains("never reached the log"));
        assertThat(scheduler.resyncable()).as("repaired by loading a peer's dump").isTrue();
        scheduler.enqueueEntry(1, 2, envelope(1, transaction(PEER, "put b 1")), false);
        awaitApplied(2);
        assertThat(scheduler.divergence()).as("applying goes on; the difference stays").isPresent();
    }

    @Test
    void entriesTheEngineHoldsAlreadyAreNotHandedToItAgain() throws Exception {
        scheduler.enqueueMarker(1, 0);
        for (long i = 1; i <= 3; i++) {
            scheduler.enqueueEntry(1, i, envelope(i - 1, transaction(PEER, "put k" + i + " v")), false);
        }
        awaitApplied(3);
        scheduler.close();

        scheduler = scheduler(Duration.ofSeconds(30));
        scheduler.enqueueMarker(1, 0);
        for (long i = 1; i <= 5; i++) {
            scheduler.enqueueEntry(1, i, envelope(i - 1, transaction(PEER, "put k" + i + " v")), false);
        }
        awaitApplied(5);
        assertThat(engine.callsFor(1)).isEqualTo(1);
        assertThat(engine.callsFor(3)).isEqualTo(1);
        assertThat(engine.commitOrder).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void entriesMustComeInLogOrder() {
        scheduler.enqueueMarker(1, 0);
        assertThatThrownBy(() -> scheduler.enqueueMarker(1, 2))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("expected: 1");
    }

    @Test
    void closingFailsWaitersWithShutdown() {
        var waiter = scheduler.awaitApplied(10);
        scheduler.close();
        assertThatThrownBy(() -> waiter.get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(ClusterException.class,
                        e -> assertThat(e.reason()).isEqualTo(ClusterException.Reason.SHUTDOWN));
    }
}

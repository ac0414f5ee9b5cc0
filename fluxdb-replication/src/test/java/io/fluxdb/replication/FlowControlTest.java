package io.fluxdb.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FlowControlTest {
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    private FlowControl flow(long maxLag, Duration maxWait) {
        return new FlowControl(new FlowControl.Settings(maxLag, maxWait), committed::get, timer, clock::get);
    }

    /** {@code nodeId} was in step, then the leader committed {@code lag} more entries it has not applied. */
    private void fallsBehind(FlowControl flow, String nodeId, long lag) {
        flow.report(nodeId, committed.get());
        committed.addAndGet(lag);
        flow.evaluate();
    }

    private void advance(Duration d) {
        clock.addAndGet(d.toNanos());
    }

    @Test
    void writesGoAheadWhileEveryFollowerIsWithinTheLimit() {
        FlowControl flow = flow(100, Duration.ofMinutes(1));
        committed.set(1_000);
        flow.report("b", 900);
        flow.report("c", 950);
        assertThat(flow.admit()).isDone();
        assertThat(flow.state().holding()).isFalse();
        assertThat(flow.state().followers()).extracting(FlowControl.Follower::lag).containsExactly(100L, 50L);
    }

    @Test
    void aFollowerTooFarBehindHoldsNewWritesUntilItCatchesUp() {
        FlowControl flow = flow(100, Duration.ofMinutes(1));
        committed.set(899);
        fallsBehind(flow, "c", 101);
        flow.report("b", 1_000);
        assertThat(flow.state().holding()).isTrue();
        CompletableFuture<Void> first = flow.admit();
        CompletableFuture<Void> second = flow.admit();
        assertThat(first).isNotDone();
        assertThat(second).isNotDone();

        advance(Duration.ofMillis(300));
        flow.report("c", 950);
        assertThat(first).isDone();
        assertThat(second).isDone();
        assertThat(flow.admit()).isDone();
        FlowControl.State state = flow.state();
        assertThat(state.writesHeld()).isEqualTo(2);
        assertThat(state.heldMillis()).isEqualTo(600);
    }

    @Test
    void theLagIsCountedFromTheLeadersCommitIndexNow() {
        FlowControl flow = flow(100, Duration.ofMinutes(1));
        committed.set(500);
        flow.report("b", 450);
        assertThat(flow.admit()).isDone();
        committed.set(560); // the follower did not report since; it is 110 behind now
        flow.evaluate();
        assertThat(flow.admit()).isNotDone();
    }

    @Test
    void aWriteWaitsAtMostMaxWait() throws Exception {
        FlowControl flow = new FlowControl(new FlowControl.Settings(10, Duration.ofMillis(50)), committed::get, timer,
                System::nanoTime);
        fallsBehind(flow, "b", 1_000);
        CompletableFuture<Void> held = flow.admit();
        assertThat(held).isNotDone();
        held.get(5, TimeUnit.SECONDS); // the timer lets it go; it never fails
        assertThat(flow.state().writesHeld()).isEqualTo(1);
        assertThat(flow.state().holding()).as("the follower is still behind").isTrue();
    }

    @Test
    void aFollowerWhoseReportsStoppedIsNotWaitedForUntilItHasCaughtUpAgain() {
        FlowControl flow = flow(100, Duration.ofMinutes(1));
        committed.set(1_000);
        flow.report("b", 1_000);
        committed.set(2_000);
        flow.evaluate();
        CompletableFuture<Void> held = flow.admit();
        assertThat(held).isNotDone();
        advance(FlowControl.REPORT_TTL.plusMillis(1));
        flow.evaluate();
        assertThat(held).isDone();
        assertThat(flow.admit()).isDone();
        assertThat(flow.state().followers()).singleElement().satisfies(f -> assertThat(f.counted()).isFalse());

        flow.report("b", 1_500); // back, but 500 behind: it catches up without holding writers back
        assertThat(flow.admit()).isDone();
        flow.report("b", 1_950);
        committed.set(2_500);
        flow.report("b", 2_000);
        assertThat(flow.admit()).as("caught up once, it counts again").isNotDone();
    }

    @Test
    void aFollowerFirstSeenFarBehindIsNotWaitedForUntilItHasCaughtUp() {
        FlowControl flow = flow(100, Duration.ofMinutes(1));
        committed.set(10_000);
        flow.report("b", 0); // a node that joins, or comes back after an outage
        assertThat(flow.admit()).isDone();
        assertThat(flow.state().followers()).singleElement().satisfies(f -> assertThat(f.counted()).isFalse());
        flow.report("b", 9_950);
        committed.set(10_200);
        flow.evaluate();
        assertThat(flow.admit()).isNotDone();
    }

    @Test
    void aFollowerThatGoesBackCatchesUpFirst() {
        FlowControl flow = flow(100, Duration.ofMinutes(1));
        committed.set(1_000);
        flow.report("b", 990);
        flow.report("b", 0); // restarted on older data, or loads a snapshot
        assertThat(flow.admit()).isDone();
    }

    @Test
    void aFollowerThatAppliesNothingWhileBehindIsNotWaitedForUntilItHasCaughtUp() {
        FlowControl flow = flow(100, Duration.ofSeconds(1));
        committed.set(10);
        fallsBehind(flow, "b", 990);
        assertThat(flow.admit()).isNotDone();
        // it answers, but its applied index stays where it was for longer than stallAfter (10 x maxWait)
        for (int i = 0; i < 11; i++) {
            advance(Duration.ofSeconds(1));
            flow.report("b", 10);
        }
        assertThat(flow.admit()).isDone();
        assertThat(flow.state().followers()).singleElement().satisfies(f -> assertThat(f.counted()).isFalse());
        flow.report("b", 20); // it moves again, still 980 behind: it catches up without holding writers back
        assertThat(flow.admit()).isDone();
        flow.report("b", 950);
        committed.set(1_100);
        flow.evaluate();
        assertThat(flow.admit()).as("caught up, then behind again").isNotDone();
    }

    @Test
    void aSlowButMovingFollowerIsAlwaysWaitedFor() {
        FlowControl flow = flow(100, Duration.ofSeconds(1));
        committed.set(1_000);
        flow.report("b", 950);
        committed.set(2_000);
        for (int i = 0; i < 30; i++) {
            advance(Duration.ofSeconds(1));
            flow.report("b", 950 + i);
        }
        assertThat(flow.admit()).isNotDone();
    }

    @Test
    void aClosedFlowControlHoldsNothing() {
        FlowControl flow = flow(100, Duration.ofMinutes(1));
        committed.set(1_000);
        flow.report("b", 1_000);
        committed.set(2_000);
        flow.evaluate();
        CompletableFuture<Void> held = flow.admit();
        flow.close();
        assertThat(held).isDone();
        flow.report("b", 1_000);
        assertThat(flow.admit()).isDone();
    }

    @Test
    void followersThatLeftAreForgotten() {
        FlowControl flow = flow(100, Duration.ofMinutes(1));
        committed.set(0);
        fallsBehind(flow, "c", 1_000);
        flow.report("b", 1_000);
        CompletableFuture<Void> held = flow.admit();
        assertThat(held).isNotDone();
        flow.retain(List.of("b"));
        assertThat(held).isDone();
        assertThat(flow.state().followers()).extracting(FlowControl.Follower::nodeId).containsExactly("b");
    }

    @Test
    void resetLetsEveryWaitingWriteGo() {
        FlowControl flow = flow(100, Duration.ofMinutes(1));
        fallsBehind(flow, "b", 1_000);
        CompletableFuture<Void> held = flow.admit();
        assertThat(held).isNotDone();
        flow.reset();
        assertThat(held).isDone();
        assertThat(flow.state().followers()).isEmpty();
        assertThat(flow.admit()).isDone();
    }

    @Test
    void followersAreWatchedCloselyFromHalfTheLimitOn() {
        FlowControl flow = flow(100, Duration.ofMinutes(1));
        committed.set(1_000);
        flow.report("b", 950);
        assertThat(flow.watchClosely()).isFalse();
        flow.report("b", 949);
        assertThat(flow.watchClosely()).isTrue();
        committed.set(10_000);
        flow.report("b", 10_000);
        assertThat(flow.watchClosely()).isFalse();
    }

    @Test
    void aLagLimitOfZeroTurnsItOff() {
        FlowControl flow = flow(0, Duration.ofMinutes(1));
        committed.set(1_000_000);
        flow.report("b", 0);
        assertThat(flow.admit()).isDone();
        assertThat(flow.state().holding()).isFalse();
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> new FlowControl.Settings(-1, Duration.ofSeconds(1)))
                .hasMessage("maxLag: -1 (expected: >= 0)");
        assertThatThrownBy(() -> new FlowControl.Settings(1, Duration.ZERO))
                .hasMessage("maxWait: PT0S (expected: 1 ms to 1 min)");
        assertThat(FlowControl.Settings.DEFAULT.stallAfter()).isEqualTo(Duration.ofSeconds(10));
    }
}

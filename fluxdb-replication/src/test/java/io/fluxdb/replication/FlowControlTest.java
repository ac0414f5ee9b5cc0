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
        committed.set(1_000);
        flow.report("b", 1_000);
        flow.report("c", 899);
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
        committed.set(1_000);
        flow.report("b", 0);
        CompletableFuture<Void> held = flow.admit();
        assertThat(held).isNotDone();
        held.get(5, TimeUnit.SECONDS); // the timer lets it go; it never fails
        assertThat(flow.state().writesHeld()).isEqualTo(1);
        assertThat(flow.state().holding()).as("the follower is still behind").isTrue();
    }

    @Test
    void aFollowerWhoseReportsStoppedIsNotWaitedFor() {
        FlowControl flow = flow(100, Duration.ofMinutes(1));
        committed.set(1_000);
        flow.report("b", 0);
        CompletableFuture<Void> held = flow.admit();
        assertThat(held).isNotDone();
        advance(FlowControl.REPORT_TTL.plusMillis(1));
        flow.evaluate();
        assertThat(held).isDone();
        assertThat(flow.admit()).isDone();
        assertThat(flow.state().followers()).singleElement().satisfies(f -> assertThat(f.counted()).isFalse());
    }

    @Test
    void aFollowerThatAppliesNothingWhileBehindIsNotWaitedForUntilItMovesAgain() {
        FlowControl flow = flow(100, Duration.ofSeconds(1));
        committed.set(1_000);
        flow.report("b", 10);
        assertThat(flow.admit()).isNotDone();
        // it answers, but its applied index stays where it was for longer than stallAfter (10 x maxWait)
        for (int i = 0; i < 11; i++) {
            advance(Duration.ofSeconds(1));
            flow.report("b", 10);
        }
        assertThat(flow.admit()).isDone();
        flow.report("b", 20); // it moves again, still 980 behind: writes wait for it again
        assertThat(flow.admit()).isNotDone();
    }

    @Test
    void aSlowButMovingFollowerIsAlwaysWaitedFor() {
        FlowControl flow = flow(100, Duration.ofSeconds(1));
        committed.set(1_000);
        for (int i = 0; i < 30; i++) {
            advance(Duration.ofSeconds(1));
            flow.report("b", i);
        }
        assertThat(flow.admit()).isNotDone();
    }

    @Test
    void followersThatLeftAreForgotten() {
        FlowControl flow = flow(100, Duration.ofMinutes(1));
        committed.set(1_000);
        flow.report("b", 1_000);
        flow.report("c", 0);
        CompletableFuture<Void> held = flow.admit();
        flow.retain(List.of("b"));
        assertThat(held).isDone();
        assertThat(flow.state().followers()).extracting(FlowControl.Follower::nodeId).containsExactly("b");
    }

    @Test
    void resetLetsEveryWaitingWriteGo() {
        FlowControl flow = flow(100, Duration.ofMinutes(1));
        committed.set(1_000);
        flow.report("b", 0);
        CompletableFuture<Void> held = flow.admit();
        flow.reset();
        assertThat(held).isDone();
        assertThat(flow.state().followers()).isEmpty();
        assertThat(flow.admit()).isDone();
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

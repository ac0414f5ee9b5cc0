package io.fluxdb.engine.mysql.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.mysql.testing.ScriptedCluster;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LeaderWaitTest {
    private static final InetSocketAddress LEADER = new InetSocketAddress("127.0.0.1", 3307);

    private final ScriptedCluster cluster = new ScriptedCluster();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void aStatementWaitsUntilALeaderIsKnownThenRuns() throws Exception {
        cluster.noLeader();
        CompletableFuture<String> outcome = await(LeaderWait.start(), Optional.empty(), () -> true);
        Thread.sleep(150);
        assertThat(outcome).as("no leader yet: still waiting").isNotDone();
        cluster.follower(LEADER);
        assertThat(outcome.get(2, TimeUnit.SECONDS)).isEqualTo("again");
    }

    @Test
    void aLeaderThatDidNotAnswerIsTriedAgainAfterAPauseAnotherAtOnce() throws Exception {
        cluster.follower(LEADER); // names "other-node", the one that did not answer
        long started = System.nanoTime();
        assertThat(await(LeaderWait.start(), Optional.of("other-node"), () -> true).get(2, TimeUnit.SECONDS))
                .isEqualTo("again");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("paused before the same leader")
                .isGreaterThanOrEqualTo(250);

        cluster.leader();
        assertThat(await(LeaderWait.start(), Optional.of("other-node"), () -> true).get(2, TimeUnit.SECONDS))
                .as("this node leads now").isEqualTo("again");
    }

    @Test
    void aWaitThatIsOverOrAClientThatLeftGivesUp() throws Exception {
        cluster.noLeader();
        assertThat(await(LeaderWait.OVER, Optional.empty(), () -> true).get(2, TimeUnit.SECONDS)).isEqualTo("gave up");
        assertThat(LeaderWait.OVER.open()).isFalse();
        assertThat(LeaderWait.start().open()).isTrue();
        assertThat(await(LeaderWait.start(), Optional.empty(), () -> false).get(2, TimeUnit.SECONDS))
                .isEqualTo("gave up");
    }

    private CompletableFuture<String> await(LeaderWait wait, Optional<String> unreachable,
            java.util.function.BooleanSupplier connected) {
        CompletableFuture<String> outcome = new CompletableFuture<>();
        executor.execute(() -> wait.whenLeaderKnown(cluster, executor, connected, unreachable,
                () -> outcome.complete("again"), () -> outcome.complete("gave up")));
        return outcome;
    }
}

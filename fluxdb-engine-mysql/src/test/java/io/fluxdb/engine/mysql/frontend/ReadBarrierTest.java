package io.fluxdb.engine.mysql.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.mysql.testing.ScriptedCluster;
import io.fluxdb.engine.spi.ClusterException;
import io.fluxdb.engine.spi.ClusterException.Reason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class ReadBarrierTest {
    private final ScriptedCluster cluster = new ScriptedCluster();

    private static long deadlineIn(Duration wait) {
        return System.nanoTime() + wait.toNanos();
    }

    @Test
    void aReadIndexRoundThatTimedOutIsAskedAgainWhileTimeIsLeft() {
        cluster.scriptReadIndex(List.of(
                CompletableFuture.failedFuture(new ClusterException(Reason.TIMEOUT, "no majority this round")),
                CompletableFuture.completedFuture(42L)));

        assertThat(ReadBarrier.readIndexBy(cluster, deadlineIn(Duration.ofSeconds(5))))
                .succeedsWithin(Duration.ofSeconds(5)).isEqualTo(42L);
        assertThat(cluster.readIndexCalls()).isEqualTo(2);
    }

    @Test
    void noLeaderIsAskedAgainAfterAPauseWhileTimeIsLeft() {
        cluster.scriptReadIndex(List.of(
                CompletableFuture.failedFuture(new ClusterException(Reason.NO_QUORUM, "Leader is unknown")),
                CompletableFuture.failedFuture(new ClusterException(Reason.NO_QUORUM, "Leader is unknown")),
                CompletableFuture.completedFuture(42L)));
        long started = System.nanoTime();

        assertThat(ReadBarrier.readIndexBy(cluster, deadlineIn(Duration.ofSeconds(5))))
                .succeedsWithin(Duration.ofSeconds(5)).isEqualTo(42L);
        assertThat(cluster.readIndexCalls()).isEqualTo(3);
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isGreaterThanOrEqualTo(ReadBarrier.NO_LEADER_PAUSE.multipliedBy(2));
    }

    @Test
    void noLeaderUntilTheDeadlineFailsAsNoQuorum() {
        cluster.scriptReadIndex(List.of(
                CompletableFuture.failedFuture(new ClusterException(Reason.NO_QUORUM, "Leader is unknown")),
                CompletableFuture.failedFuture(new ClusterException(Reason.NO_QUORUM, "Leader is unknown")),
                CompletableFuture.failedFuture(new ClusterException(Reason.NO_QUORUM, "Leader is unknown")),
                CompletableFuture.failedFuture(new ClusterException(Reason.NO_QUORUM, "Leader is unknown")),
                CompletableFuture.failedFuture(new ClusterException(Reason.NO_QUORUM, "Leader is unknown"))));

        assertThat(ReadBarrier.readIndexBy(cluster, deadlineIn(Duration.ofMillis(250))))
                .failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(ClusterException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NO_QUORUM));
        assertThat(cluster.readIndexCalls()).isBetween(2, 3);
    }

    @Test
    void aShutdownIsNotAskedAgain() {
        cluster.scriptReadIndex(List.of(
                CompletableFuture.failedFuture(new ClusterException(Reason.SHUTDOWN, "the node is shutting down")),
                CompletableFuture.completedFuture(42L)));

        assertThat(ReadBarrier.readIndexBy(cluster, deadlineIn(Duration.ofSeconds(5))))
                .failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(ClusterException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.SHUTDOWN));
        assertThat(cluster.readIndexCalls()).isEqualTo(1);
    }

    @Test
    void aRoundThatNeverAnswersEndsAtTheDeadlineAsATimeout() {
        cluster.scriptReadIndex(List.of(new CompletableFuture<>()));
        long started = System.nanoTime();

        assertThat(ReadBarrier.readIndexBy(cluster, deadlineIn(Duration.ofMillis(300))))
                .failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(ClusterException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(cluster.readIndexCalls()).isEqualTo(1);
    }
}

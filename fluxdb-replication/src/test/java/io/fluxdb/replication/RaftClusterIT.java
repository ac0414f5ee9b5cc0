package io.fluxdb.replication;

import static io.fluxdb.replication.testing.TestCluster.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.engine.spi.ApplyResult;
import io.fluxdb.engine.spi.ClusterException;
import io.fluxdb.engine.spi.ClusterRole;
import io.fluxdb.engine.spi.CommitResult;
import io.fluxdb.engine.spi.LogEntryContent;
import io.fluxdb.engine.spi.NodeRole;
import io.fluxdb.replication.testing.TestCluster;
import io.fluxdb.replication.testing.TestCluster.Node;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three nodes in this JVM, one cluster for every test: each test writes its own keys. */
class RaftClusterIT {
    @TempDir
    static Path directory;
    static TestCluster cluster;
    static Node leader;

    @BeforeAll
    static void start() {
        cluster = TestCluster.start(directory, 3);
        leader = cluster.awaitLeader();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyNodeAppliesTheLeadersEntriesInLogOrderAndTheLeaderDoesNotRunItsOwnAgain() {
        List<Long> indexes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            indexes.add(cluster.write(leader, "put order" + i + " " + i).index());
        }
        cluster.awaitApplied(indexes.get(19));
        assertThat(indexes).isSorted().doesNotHaveDuplicates();
        for (Node follower : cluster.followers(leader)) {
            assertThat(follower.engine.commitOrder.stream().filter(indexes::contains).toList())
                    .containsExactlyElementsOf(indexes);
            assertThat(follower.engine.value("order19")).contains("19");
        }
        for (long index : indexes) {
            assertThat(leader.engine.executionsOf(index)).isZero();
            assertThat(leader.engine.appliedLog().get(index)).isInstanceOf(ApplyResult.AlreadyApplied.class);
        }
        assertThat(leader.engine.value("order19")).contains("19");
    }

    @Test
    void followersRefuseEntriesAndNameTheLeader() {
        for (Node follower : cluster.followers(leader)) {
            ClusterRole role = follower.cluster().role();
            assertThat(role.role()).isEqualTo(NodeRole.FOLLOWER);
            assertThat(role.leaderId()).contains(leader.id());
            assertThat(role.leaderClientAddress()).contains(leader.member.clientAddress());
            CompletableFuture<CommitResult> refused = follower.cluster().submit(
                    cluster.leaderEntry(follower, "put refused 1"));
            assertThatThrownBy(() -> refused.get(5, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(ClusterException.class, e -> {
                        assertThat(e.reason()).isEqualTo(ClusterException.Reason.NOT_LEADER);
                        assertThat(e).hasMessageContaining("the leader is " + leader.id());
                    });
        }
        long after = cluster.write(leader, "put afterRefusal 1").index();
        cluster.awaitApplied(after);
        for (Node node : cluster.running()) {
            assertThat(node.engine.value("refused")).isEmpty();
        }
    }

    @Test
    void settleTrueSkipsTheLeadersOwnTransactionAndSettleFalseAppliesIt() {
        CommitResult committed = cluster.write(leader, "put settledTrue 1");

        LogEntryContent content = cluster.leaderEntry(leader, "put settledFalse 2");
        String xid = content.originTransaction().orElseThrow();
        leader.engine.prepare(xid, content.statements());
        CommitResult notCommitted = join(leader.cluster().submit(content));
        // the leader's COMMIT did not happen (say, its engine connection broke): the log applies the entry
        leader.cluster().settle(notCommitted.index(), false);
        cluster.awaitApplied(notCommitted.index());

        assertThat(leader.engine.appliedLog().get(committed.index())).isInstanceOf(ApplyResult.AlreadyApplied.class);
        assertThat(leader.engine.appliedLog().get(notCommitted.index())).isInstanceOf(ApplyResult.Applied.class);
        assertThat(leader.engine.isPrepared(xid)).isFalse();
        for (Node node : cluster.running()) {
            assertThat(node.engine.value("settledTrue")).contains("1");
            assertThat(node.engine.value("settledFalse")).contains("2");
        }
    }

    @Test
    void anUnsettledEntryHoldsBackTheLeadersApplyUntilItIsSettled() throws Exception {
        LogEntryContent content = cluster.leaderEntry(leader, "put held 1");
        leader.engine.prepare(content.originTransaction().orElseThrow(), content.statements());
        CommitResult held = join(leader.cluster().submit(content));
        CommitResult next = join(leader.cluster().submit(cluster.leaderEntry(leader, "put next 1")));

        for (Node follower : cluster.followers(leader)) {
            join(follower.cluster().awaitApplied(next.index(), TestCluster.WAIT));
        }
        CompletableFuture<Void> waiting = leader.cluster().awaitApplied(held.index(), Duration.ofMillis(300));
        assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(ClusterException.class,
                        e -> assertThat(e.reason()).isEqualTo(ClusterException.Reason.TIMEOUT));
        assertThat(leader.cluster().appliedIndex()).isLessThan(held.index());

        leader.engine.commitPrepared(content.originTransaction().orElseThrow(), held.index());
        leader.cluster().settle(held.index(), true);
        leader.cluster().settle(next.index(), false);
        join(leader.cluster().awaitApplied(next.index(), TestCluster.WAIT));
        assertThat(leader.engine.value("next")).contains("1");
    }

    @Test
    void followersExecuteEntriesTheLeaderRanConcurrentlyInParallelAndCommitThemInOrder() {
        // six transactions in flight on the leader at once: each entry may run beside the others
        List<LogEntryContent> contents = new ArrayList<>();
        List<CompletableFuture<CommitResult>> submitted = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            LogEntryContent content = cluster.leaderEntry(leader, "sleep 200", "put parallel" + i + " " + i);
            leader.engine.prepare(content.originTransaction().orElseThrow(), content.statements());
            contents.add(content);
            submitted.add(leader.cluster().submit(content));
        }
        List<Long> indexes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            CommitResult result = join(submitted.get(i));
            leader.engine.commitPrepared(contents.get(i).originTransaction().orElseThrow(), result.index());
            leader.cluster().settle(result.index(), true);
            indexes.add(result.index());
        }
        long last = indexes.stream().mapToLong(Long::longValue).max().orElseThrow();
        cluster.awaitApplied(last);
        for (Node follower : cluster.followers(leader)) {
            long overlapping = indexes.stream().filter(i -> indexes.stream().anyMatch(j -> !j.equals(i)
                    && overlaps(follower.engine.executionTimes.get(i), follower.engine.executionTimes.get(j))))
                    .count();
            assertThat(overlapping).as("entries executing at the same time on %s", follower).isGreaterThan(1);
            assertThat(follower.engine.commitOrder.stream().filter(indexes::contains).toList()).isSorted();
            assertThat(follower.engine.value("parallel5")).contains("5");
        }
    }

    @Test
    void aLockConflictBetweenParallelEntriesIsAppliedAgainInLogOrder() {
        for (Node node : cluster.running()) {
            node.engine.lockWait = Duration.ofMillis(150);
        }
        LogEntryContent first = cluster.leaderEntry(leader, "sleep 250", "put contended first");
        LogEntryContent second = cluster.leaderEntry(leader, "put contended second");
        leader.engine.prepare(first.originTransaction().orElseThrow(), first.statements());
        leader.engine.prepare(second.originTransaction().orElseThrow(), second.statements());
        CompletableFuture<CommitResult> a = leader.cluster().submit(first);
        CompletableFuture<CommitResult> b = leader.cluster().submit(second);
        CommitResult ra = join(a);
        CommitResult rb = join(b);
        leader.engine.commitPrepared(first.originTransaction().orElseThrow(), ra.index());
        leader.engine.commitPrepared(second.originTransaction().orElseThrow(), rb.index());
        leader.cluster().settle(ra.index(), true);
        leader.cluster().settle(rb.index(), true);
        cluster.awaitApplied(rb.index());
        for (Node follower : cluster.followers(leader)) {
            assertThat(follower.engine.conflicts.get()).isPositive();
            assertThat(follower.engine.executionsOf(ra.index())).isEqualTo(2);
            assertThat(follower.engine.value("contended")).contains("second");
            List<Long> order = follower.engine.commitOrder;
            assertThat(order.indexOf(ra.index())).isLessThan(order.indexOf(rb.index()));
        }
        assertThat(leader.engine.value("contended")).contains("second");
    }

    @Test
    void theReadIndexCoversEveryAcknowledgedWriteOnEveryNode() {
        long written = cluster.write(leader, "put readIndex 1").index();
        for (Node node : cluster.running()) {
            long readIndex = join(node.cluster().readIndex());
            assertThat(readIndex).as("read index on %s", node).isGreaterThanOrEqualTo(written);
            join(node.cluster().awaitApplied(readIndex, TestCluster.WAIT));
            assertThat(node.engine.value("readIndex")).contains("1");
        }
    }

    @Test
    void theStatusShowsRoleTermAndIndexes() {
        long written = cluster.write(leader, "put status 1").index();
        cluster.awaitApplied(written);
        RaftClusterStatus status = leader.cluster().status();
        assertThat(status.role()).isEqualTo(NodeRole.LEADER);
        assertThat(status.leaderId()).contains(leader.id());
        assertThat(status.term()).isPositive();
        assertThat(status.commitIndex()).isGreaterThanOrEqualTo(written);
        assertThat(status.appliedIndex()).isGreaterThanOrEqualTo(written);
        assertThat(status.peerCommitIndexes()).containsKeys(cluster.members().stream().map(RaftMember::id)
                .toArray(String[]::new));
        assertThat(status.divergence()).isEmpty();
        assertThat(status.failure()).isEmpty();
        assertThat(cluster.followers(leader).get(0).cluster().awaitLeader(Duration.ofSeconds(1)).leaderId())
                .contains(leader.id());
    }

    private static boolean overlaps(long[] a, long[] b) {
        return a != null && b != null && a[0] < b[1] && b[0] < a[1];
    }
}

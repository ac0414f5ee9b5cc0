package io.fluxdb.replication;

import static io.fluxdb.replication.testing.TestCluster.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fluxdb.engine.spi.ApplyResult;
import io.fluxdb.engine.spi.ClusterException;
import io.fluxdb.engine.spi.CommitResult;
import io.fluxdb.engine.spi.EntryKind;
import io.fluxdb.engine.spi.LogEntryContent;
import io.fluxdb.engine.spi.NodeRole;
import io.fluxdb.engine.spi.ReplayHints;
import io.fluxdb.engine.spi.ReplicatedStatement;
import io.fluxdb.replication.security.RaftTls;
import io.fluxdb.replication.security.SecretDerivation;
import io.fluxdb.replication.testing.Entries;
import io.fluxdb.replication.testing.TestCluster;
import io.fluxdb.replication.testing.TestCluster.Node;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failover, restarts, lost quorum, divergence and a broken engine: a fresh three-node cluster per test. */
class RaftFailuresIT {
    @TempDir
    Path directory;
    TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void afterTheLeaderStopsANewOneIsElectedAndEveryEntryIsAppliedExactlyOnceEverywhere() {
        cluster = TestCluster.start(directory, 3);
        Node first = cluster.awaitLeader();
        for (int i = 0; i < 10; i++) {
            cluster.write(first, "put before" + i + " " + i);
        }
        long firstTerm = first.cluster().role().term();
        cluster.stop(first);

        Node second = cluster.awaitLeader();
        assertThat(second).isNotSameAs(first);
        long secondTerm = second.cluster().role().term();
        assertThat(secondTerm).isGreaterThan(firstTerm);
        long last = 0;
        for (int i = 0; i < 10; i++) {
            last = cluster.write(second, "put after" + i + " " + i).index();
        }
        cluster.restart(first);
        cluster.awaitApplied(last);

        for (Node node : cluster.nodes()) {
            assertThat(node.engine.data()).as("data on %s", node).isEqualTo(second.engine.data());
            assertThat(node.engine.commitOrder).as("commit order on %s", node).isSorted().doesNotHaveDuplicates();
            // every index with content is recorded exactly once, none skipped
            assertThat(node.engine.appliedLog().keySet()).isEqualTo(second.engine.appliedLog().keySet());
            assertThat(node.engine.orphanChecks).contains(secondTerm);
        }
        assertThat(second.engine.value("before9")).contains("9");
        assertThat(first.engine.value("after9")).contains("9");
    }

    /**
     * With a long election timeout, a follower told that its leader is gone stands at once: a new leader is elected
     * sooner than any follower's election timer could have fired (Ratis waits at least the minimum timeout of
     * silence). A stale term or another leader's id is not acted on, and a leader has no leader to be silent.
     */
    @Test
    void aFollowerToldItsLeaderIsGoneStandsAtOnceInsteadOfAfterTheElectionTimeout() {
        Duration min = Duration.ofSeconds(4);
        cluster = TestCluster.start(directory, 3, TestCluster.TUNING.withElectionTimeout(min, min.multipliedBy(2)));
        Node first = cluster.awaitLeader();
        cluster.awaitApplied(cluster.write(first, "put a 1").index());
        long term = first.cluster().role().term();
        assertThat(first.cluster().leaderSilence()).isEmpty();
        Node follower = cluster.followers(first).get(0);
        LeaderSilence heard = follower.cluster().leaderSilence().orElseThrow();
        assertThat(heard.leaderId()).isEqualTo(first.id());
        assertThat(heard.term()).isEqualTo(term);
        assertThat(heard.silence()).isLessThan(min);

        cluster.stop(first);
        long stoppedAt = System.nanoTime();
        assertThat(follower.cluster().electWithoutWaiting(first.id(), term - 1)).as("a stale term").isFalse();
        assertThat(follower.cluster().electWithoutWaiting("someone-else", term)).as("not its leader").isFalse();
        assertThat(follower.cluster().electWithoutWaiting(first.id(), term)).isTrue();
        Node second = cluster.awaitLeader();
        Duration elected = Duration.ofNanos(System.nanoTime() - stoppedAt);

        assertThat(second).isSameAs(follower);
        assertThat(elected).as("sooner than an election timer fires").isLessThan(min);
        assertThat(second.cluster().role().term()).isEqualTo(term + 1);
        long last = cluster.write(second, "put b 2").index();
        cluster.restart(first);
        cluster.awaitApplied(last);
        assertThat(first.engine.value("b")).contains("2");
    }

    /**
     * A node whose Raft port is taken: its start fails with the reason, the process (here the test's JVM, with the
     * other nodes in it) goes on, and the node starts once the port is free.
     */
    @Test
    void aRaftPortInUseFailsTheStartWithTheReasonAndLeavesTheProcessRunning() throws Exception {
        cluster = TestCluster.start(directory, 3);
        Node leader = cluster.awaitLeader();
        Node follower = cluster.followers(leader).getFirst();
        cluster.stop(follower);
        try (ServerSocket taken = new ServerSocket()) {
            taken.setReuseAddress(true);
            taken.bind(follower.member.raftAddress());
            assertThatThrownBy(() -> cluster.restart(follower))
                    .hasMessageContaining("the Raft port " + follower.member.raftAddress().getHostString() + ":"
                            + follower.member.raftAddress().getPort() + " could not be opened")
                    .hasStackTraceContaining("Address already in use");
        }
        cluster.write(leader, "put port-free 1");
        cluster.restart(follower);
        cluster.awaitApplied(leader.cluster().appliedIndex());
        assertThat(follower.engine.data()).containsEntry("port-free", "1");
    }

    @Test
    void aRestartedNodeResumesAfterItsSnapshotAndDoesNotApplyAnythingTwice() {
        cluster = TestCluster.start(directory, 3);
        Node leader = cluster.awaitLeader();
        List<Long> early = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            early.add(cluster.write(leader, "put early" + i + " " + i).index());
        }
        cluster.awaitApplied(early.get(early.size() - 1));
        Node follower = cluster.followers(leader).get(0);
        cluster.stop(follower);
        assertThat(snapshots(follower)).as("snapshot files of %s", follower).isNotEmpty();

        long last = 0;
        for (int i = 0; i < 10; i++) {
            last = cluster.write(leader, "put late" + i + " " + i).index();
        }
        cluster.restart(follower);
        join(follower.cluster().awaitApplied(last, TestCluster.WAIT));

        assertThat(follower.engine.value("late9")).contains("9");
        assertThat(follower.engine.data()).isEqualTo(leader.engine.data());
        for (long index : early) {
            assertThat(follower.engine.callsFor(index)).as("engine calls for entry %d", index).isEqualTo(1);
        }
        assertThat(follower.engine.commitOrder).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void aFollowerWhoseLogComesBackShorterThanItAcknowledgedCatchesUpAndAppliesNothingTwice() throws Exception {
        cluster = TestCluster.start(directory, 3);
        Node leader = cluster.awaitLeader();
        List<Long> acknowledged = new ArrayList<>();
        for (int i = 0; i < 35; i++) {
            acknowledged.add(cluster.write(leader, "put early" + i + " " + i).index());
        }
        cluster.awaitApplied(acknowledged.get(acknowledged.size() - 1));
        Node follower = cluster.followers(leader).get(0);
        cluster.stop(follower);
        // the follower's storage loses its log segments and snapshot records (a torn disk, a restored backup): its
        // log now ends below what the leader knows it acknowledged
        List<Path> segments = storageFiles(follower, "log_", "applied-watermark.");
        assertThat(segments).as("log segments of %s", follower).isNotEmpty();
        for (Path segment : segments) {
            java.nio.file.Files.delete(segment);
        }
        cluster.restart(follower);

        // an idle leader only heartbeats: the follower must still get back the entries it lost, or a strong read on
        // it (which waits until it has what the leader committed) never succeeds
        await().atMost(TestCluster.WAIT).ignoreExceptions().untilAsserted(() -> assertThat(
                follower.cluster().readIndex().get(5, TimeUnit.SECONDS))
                .isGreaterThanOrEqualTo(acknowledged.get(acknowledged.size() - 1)));
        long last = 0;
        for (int i = 0; i < 5; i++) {
            last = cluster.write(leader, "put late" + i + " " + i).index();
        }
        assertThat(leader.cluster().role().role()).as("the same leader throughout").isEqualTo(NodeRole.LEADER);
        join(follower.cluster().awaitApplied(last, TestCluster.WAIT));

        assertThat(follower.engine.value("late4")).contains("4");
        assertThat(follower.engine.data()).isEqualTo(leader.engine.data());
        for (long index : acknowledged) {
            assertThat(follower.engine.callsFor(index)).as("engine calls for entry %d", index).isEqualTo(1);
        }
    }

    @Test
    void withoutAMajorityASubmitFailsWithinItsBoundAsPossiblyCommitted() {
        cluster = TestCluster.start(directory, 3);
        Node leader = cluster.awaitLeader();
        cluster.write(leader, "put quorum 1");
        cluster.followers(leader).forEach(cluster::stop);

        LogEntryContent content = cluster.leaderEntry(leader, "put lonely 1");
        long started = System.nanoTime();
        CompletableFuture<CommitResult> submitted = leader.cluster().submit(content);
        assertThatThrownBy(() -> submitted.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.reason())
                        .isIn(ClusterException.Reason.NO_QUORUM, ClusterException.Reason.TIMEOUT));
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(elapsedMillis).isLessThanOrEqualTo(TestCluster.TUNING.submitTimeout().toMillis() + 1000);

        RaftCluster closed = leader.cluster();
        cluster.stop(leader);
        assertThat(closed.role().role()).isEqualTo(NodeRole.UNKNOWN);
        for (CompletableFuture<?> refused : List.of(closed.submit(Entries.transaction(leader.id(), "put x 1")),
                closed.readIndex(), closed.awaitApplied(closed.appliedIndex() + 1, Duration.ofSeconds(5)))) {
            assertThat(refused).failsWithin(Duration.ofSeconds(1)).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOfSatisfying(ClusterException.class,
                            e -> assertThat(e.reason()).isEqualTo(ClusterException.Reason.SHUTDOWN));
        }
    }

    @Test
    void aFollowerWhoseOutcomeDiffersReportsDivergenceAndOneWhoseEngineBreaksStopsWithoutSkipping() {
        cluster = TestCluster.start(directory, 3);
        Node leader = cluster.awaitLeader();
        // the leader says its statement changed 5 rows; the followers' engines change 3
        LogEntryContent content = Entries.content(EntryKind.TRANSACTION, leader.id(),
                Optional.of("fx-1-" + leader.id() + "-0-1"), List.of(new ReplicatedStatement("rows 3", List.of(),
                        ReplayHints.NONE, OptionalLong.of(5))));
        leader.engine.prepare(content.originTransaction().orElseThrow(), content.statements());
        CommitResult differing = join(leader.cluster().submit(content));
        leader.engine.commitPrepared(content.originTransaction().orElseThrow(), differing.index());
        leader.cluster().settle(differing.index(), true);
        cluster.awaitApplied(differing.index());

        assertThat(leader.cluster().divergence()).isEmpty();
        for (Node follower : cluster.followers(leader)) {
            assertThat(follower.cluster().divergence()).hasValueSatisfying(reason -> assertThat(reason)
                    .contains("entry " + differing.index() + ": statement 0 changed 3 rows here but 5 on the leader"));
            assertThat(follower.cluster().status().divergence()).isPresent();
        }

        // the statement breaks every engine it reaches except the leader's, which committed it before the log did
        long crash = cluster.write(leader, "crash").index();
        long after = cluster.write(leader, "put afterCrash 1").index();
        for (Node broken : cluster.followers(leader)) {
            await().atMost(TestCluster.WAIT).until(() -> broken.cluster().failure().isPresent());
            assertThat(broken.cluster().failure()).hasValueSatisfying(t -> assertThat(t)
                    .hasMessage("engine connection lost"));
            assertThat(broken.cluster().appliedIndex()).isLessThan(crash);
            assertThat(broken.engine.appliedLog()).doesNotContainKey(after);
            assertThat(broken.cluster().status().failure()).contains("engine connection lost");
            assertThat(broken.cluster().awaitApplied(after, Duration.ofMillis(200))).failsWithin(Duration.ofSeconds(5));
        }
        join(leader.cluster().awaitApplied(after, TestCluster.WAIT));
        assertThat(leader.engine.appliedLog().get(crash)).isInstanceOf(ApplyResult.AlreadyApplied.class);
        assertThat(leader.engine.value("afterCrash")).contains("1");
        assertThat(leader.cluster().failure()).isEmpty();
    }

    @Test
    void anEntryNoNodeCanReadStopsEveryNodeThatReachesIt() throws Exception {
        cluster = TestCluster.start(directory, 3);
        Node leader = cluster.awaitLeader();
        long before = cluster.write(leader, "put beforeCorrupt 1").index();
        cluster.awaitApplied(before);

        // a Ratis client that holds a certificate from the cluster CA appends bytes that are no log entry
        RaftGroup group = RaftGroup.valueOf(RaftGroupId.valueOf(SecretDerivation.groupId(TestCluster.SECRET)),
                cluster.members().stream().map(m -> RaftPeer.newBuilder().setId(m.id()).setAddress(m.raftHostPort())
                        .build()).toList());
        Parameters parameters = new Parameters();
        RaftTls.forNode(TestCluster.SECRET, "a-client", List.of("127.0.0.1")).applyTo(parameters);
        try (RaftClient client = RaftClient.newBuilder().setRaftGroup(group).setProperties(new RaftProperties())
                .setParameters(parameters).setLeaderId(RaftPeerId.valueOf(leader.id()))
                .setRetryPolicy(RetryPolicies.noRetry()).build()) {
            client.async().send(Message.valueOf("not a log entry"));
            for (Node node : cluster.running()) {
                await().atMost(TestCluster.WAIT).until(() -> node.cluster().failure().isPresent());
                assertThat(node.cluster().failure()).hasValueSatisfying(t -> assertThat(t)
                        .hasMessageContaining("log entry version: 110 (expected: 1 or 2)"));
                assertThat(node.cluster().role().role()).isEqualTo(NodeRole.UNKNOWN);
                assertThat(node.cluster().appliedIndex()).isGreaterThanOrEqualTo(before);
            }
        }
    }

    private static List<Path> snapshots(Node node) {
        return storageFiles(node, "applied-watermark.");
    }

    /** The files in {@code node}'s storage whose names start with one of {@code prefixes}. */
    private static List<Path> storageFiles(Node node, String... prefixes) {
        try (var files = java.nio.file.Files.walk(node.storage)) {
            return files.filter(p -> java.util.Arrays.stream(prefixes)
                    .anyMatch(prefix -> p.getFileName().toString().startsWith(prefix))).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

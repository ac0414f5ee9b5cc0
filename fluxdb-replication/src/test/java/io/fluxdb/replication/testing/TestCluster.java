package io.fluxdb.replication.testing;

import static java.util.Objects.requireNonNull;
import static org.awaitility.Awaitility.await;

import io.fluxdb.engine.spi.CommitResult;
import io.fluxdb.engine.spi.EntryKind;
import io.fluxdb.engine.spi.LogEntryContent;
import io.fluxdb.engine.spi.ReplicatedStatement;
import io.fluxdb.replication.RaftCluster;
import io.fluxdb.replication.RaftClusterConfig;
import io.fluxdb.replication.RaftMember;
import io.fluxdb.replication.RaftTuning;
import io.fluxdb.testkit.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Nodes of one cluster in this JVM, on loopback with free ports, each with its own {@link TestEngine} and storage
 * directory. A stopped node keeps its engine and storage, so {@link #restart} is a node coming back.
 */
public final class TestCluster implements AutoCloseable {
    public static final String SECRET = "test-cluster-secret-0123456789";
    /** Short elections and a small snapshot interval, so that tests see failover and snapshots quickly. */
    public static final RaftTuning TUNING = RaftTuning.DEFAULT
            .withElectionTimeout(Duration.ofMillis(400), Duration.ofMillis(800))
            .withSubmitTimeout(Duration.ofSeconds(3))
            .withSettleTimeout(Duration.ofSeconds(10))
            .withSnapshotInterval(20)
            .withMaxEntryBytes(1 << 20);
    public static final Duration WAIT = Duration.ofSeconds(20);

    /** One node: its identity, engine and storage, and its running cluster instance if it runs. */
    public static final class Node {
        public final RaftMember member;
        public final TestEngine engine;
        public final Path storage;
        private volatile RaftCluster cluster;

        Node(RaftMember member, Path storage) {
            this.member = member;
            this.engine = new TestEngine(member.id());
            this.storage = storage;
        }

        public String id() {
            return member.id();
        }

        public RaftCluster cluster() {
            return requireNonNull(cluster, () -> id() + " is not running");
        }

        public boolean running() {
            return cluster != null;
        }

        @Override
        public String toString() {
            return id();
        }
    }

    private final List<Node> nodes;
    private final String secret;
    private final RaftTuning tuning;
    private final AtomicLong transactions = new AtomicLong();

    private TestCluster(List<Node> nodes, String secret, RaftTuning tuning) {
        this.nodes = nodes;
        this.secret = secret;
        this.tuning = tuning;
    }

    public static TestCluster start(Path directory, int size) {
        return start(directory, size, TUNING);
    }

    public static TestCluster start(Path directory, int size, RaftTuning tuning) {
        List<Node> nodes = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            InetSocketAddress raft = new InetSocketAddress("127.0.0.1", FreePorts.next());
            RaftMember member = new RaftMember("127.0.0.1_" + raft.getPort(), raft,
                    new InetSocketAddress("127.0.0.1", FreePorts.next()));
            nodes.add(new Node(member, directory.resolve("node" + i)));
        }
        TestCluster cluster = new TestCluster(List.copyOf(nodes), SECRET, tuning);
        try {
            nodes.forEach(cluster::restart);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    public List<Node> nodes() {
        return nodes;
    }

    public Node node(int index) {
        return nodes.get(index);
    }

    public List<RaftMember> members() {
        return nodes.stream().map(n -> n.member).toList();
    }

    /** The configuration a node starts with. */
    public RaftClusterConfig config(Node node) {
        return new RaftClusterConfig(node.id(), members(), node.member.raftAddress(), node.storage, secret, tuning);
    }

    /** Waits until exactly one running node leads and is ready for writes. */
    public Node awaitLeader() {
        Node[] leader = new Node[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> {
            List<Node> leaders = running().stream().filter(n -> n.cluster().role().isLeader()).toList();
            leader[0] = leaders.size() == 1 ? leaders.get(0) : null;
            return leader[0] != null;
        });
        return leader[0];
    }

    public List<Node> running() {
        return nodes.stream().filter(Node::running).toList();
    }

    public List<Node> followers(Node leader) {
        return running().stream().filter(n -> n != leader).toList();
    }

    public void stop(Node node) {
        RaftCluster cluster = node.cluster;
        node.cluster = null;
        if (cluster != null) {
            cluster.close();
        }
    }

    public void restart(Node node) {
        if (node.cluster != null) {
            throw new IllegalStateException(node + " is running");
        }
        try {
            node.cluster = RaftCluster.start(config(node), node.engine);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs a write transaction through {@code leader} as its front end does: prepare it in the leader's engine,
     * submit it, commit it once the log has, and settle it.
     */
    public CommitResult write(Node leader, String... statements) {
        LogEntryContent content = leaderEntry(leader, statements);
        String xid = content.originTransaction().orElseThrow();
        leader.engine.prepare(xid, content.statements());
        CommitResult result = join(leader.cluster().submit(content));
        leader.engine.commitPrepared(xid, result.index());
        leader.cluster().settle(result.index(), true);
        return result;
    }

    /** An entry as {@code leader}'s front end submits it, with a fresh transaction id of the leader's term. */
    public LogEntryContent leaderEntry(Node leader, String... statements) {
        long term = leader.cluster().role().term();
        String xid = "fx-" + term + "-" + leader.id() + "-0123456789abcdef-" + transactions.incrementAndGet();
        return Entries.content(EntryKind.TRANSACTION, leader.id(), Optional.of(xid),
                Arrays.stream(statements).map(ReplicatedStatement::of).toList());
    }

    /** Waits until every running node has applied {@code index}. */
    public void awaitApplied(long index) {
        for (Node node : running()) {
            join(node.cluster().awaitApplied(index, WAIT));
        }
    }

    public static <T> T join(java.util.concurrent.CompletableFuture<T> future) {
        try {
            return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("no answer within " + WAIT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops every node, all at once: closing Ratis takes about a second per node. */
    @Override
    public void close() {
        List<Thread> stopping = nodes.stream().map(n -> Thread.ofVirtual().start(() -> stop(n))).toList();
        for (Thread thread : stopping) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

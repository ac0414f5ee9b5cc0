package io.fluxdb.replication;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.spi.Cluster;
import io.fluxdb.engine.spi.ClusterException;
import io.fluxdb.engine.spi.ClusterException.Reason;
import io.fluxdb.engine.spi.ClusterRole;
import io.fluxdb.engine.spi.CommitResult;
import io.fluxdb.engine.spi.Engine;
import io.fluxdb.engine.spi.EntryKind;
import io.fluxdb.engine.spi.LogEntryContent;
import io.fluxdb.engine.spi.NodeRole;
import io.fluxdb.replication.log.EntryEnvelope;
import io.fluxdb.replication.log.LogEntryCodec;
import io.fluxdb.replication.security.RaftTls;
import io.fluxdb.replication.security.SecretDerivation;
import io.fluxdb.replication.statemachine.ApplyScheduler;
import io.fluxdb.replication.statemachine.ApplySettings;
import io.fluxdb.replication.statemachine.FluxStateMachine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.LeaderElectionManagementRequest;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.util.ExitUtils;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicated log of a multi-node cluster, on Apache Ratis: one Raft group per cluster, mutual TLS between nodes,
 * and every committed entry applied to this node's {@link Engine} (see docs/design/replication.md).
 *
 * <p>{@link #submit} is accepted only by the leader, and only once it has applied every entry of earlier terms (until
 * then {@link #role()} reports {@link NodeRole#CANDIDATE}). Its future completes as soon as a majority holds the entry,
 * without waiting for any engine, and fails with:
 * <ul>
 *   <li>{@link Reason#NOT_LEADER}: the entry was certainly not appended (not the leader, not ready, or the timeout
 *       passed before it was appended);
 *   <li>{@link Reason#NO_QUORUM}: the entry was appended but no majority confirmed it in time, or leadership was lost
 *       meanwhile; it may still commit;
 *   <li>{@link Reason#SHUTDOWN}: the node is closing; the entry may still commit;
 *   <li>{@link IllegalArgumentException} (not a {@link ClusterException}): the entry is larger than
 *       {@link RaftTuning#maxEntryBytes()} or holds a string with a lone surrogate; nothing was appended.
 * </ul>
 */
public final class RaftCluster implements Cluster, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RaftCluster.class);

    private final RaftClusterConfig config;
    private final RaftServer server;
    private final RaftGroupId groupId;
    private final RaftPeerId localPeerId;
    private final FluxStateMachine stateMachine;
    private final Submissions submissions;
    private final ScheduledThreadPoolExecutor timer;
    private final ExecutorService callbacks;
    private final AtomicLong readCalls = new AtomicLong();
    private final ClientId readClientId = ClientId.randomId();
    /**
     * Whether this node must not lead: its engine failed, or its data diverged from the log's (it then re-syncs from
     * a peer, see {@link DivergenceRepair}).
     */
    private final java.util.concurrent.atomic.AtomicBoolean unfit = new java.util.concurrent.atomic.AtomicBoolean();
    private final DivergenceRepair repair;
    private final FlowControl flowControl;
    /** How long a leadership transfer may take before a leader unfit to lead tries again. */
    private static final Duration YIELD_TIMEOUT = Duration.ofSeconds(5);
    private final Object changes = new Object();
    private volatile boolean closed;

    private RaftCluster(RaftClusterConfig config, RaftServer server, RaftGroupId groupId,
            FluxStateMachine stateMachine, Submissions submissions, ScheduledThreadPoolExecutor timer,
            ExecutorService callbacks) {
        this.config = config;
        this.server = server;
        this.groupId = groupId;
        this.localPeerId = RaftPeerId.valueOf(config.localNodeId());
        this.stateMachine = stateMachine;
        this.submissions = submissions;
        this.timer = timer;
        this.callbacks = callbacks;
        this.repair = new DivergenceRepair(config.localNodeId(), stateMachine, timer, this::changed);
        this.flowControl = new FlowControl(config.tuning().flowControl(), this::committedIndex, timer,
                System::nanoTime);
    }

    /**
     * Starts this node's part of the cluster: formats the log storage on first start, recovers it otherwise, and
     * joins the group (the same initial group on every node). Returns once the Raft port listens; electing a leader
     * takes an election timeout or more ({@link #awaitLeader}).
     *
     * @param engine the started engine the log is applied to; it stays owned by the caller and must outlive this
     * @throws IOException if the storage or the Raft port cannot be used
     * @throws IllegalStateException if the storage holds the log of another cluster (another secret)
     */
    public static RaftCluster start(RaftClusterConfig config, Engine engine) throws IOException {
        return start(config, engine, false);
    }

    /**
     * Starts a node that is to join a running cluster: like {@link #start}, but this node is not in the group it
     * starts with (the members it was told of), so it neither stands in elections nor votes until the leader adds it
     * ({@link #addMember}, asked for over the internal API), and learns the log from the leader. A node whose stored
     * log names it a member already (a joined node that restarts) starts as a member.
     */
    public static RaftCluster join(RaftClusterConfig config, Engine engine) throws IOException {
        return start(config, engine, true);
    }

    private static RaftCluster start(RaftClusterConfig config, Engine engine, boolean joining) throws IOException {
        requireNonNull(config, "config is null");
        requireNonNull(engine, "engine is null");
        RatisProcess.embed();
        RaftGroup group = RaftSetup.group(config, RaftGroupId.valueOf(SecretDerivation.groupId(config.secret())),
                joining);
        RaftStorageCheck.Startup startup = RaftStorageCheck.check(config.storageDirectory(), group.getGroupId());
        RaftTls tls = RaftTls.forNode(config.secret(), config.localNodeId(),
                List.of(config.localMember().raftAddress().getHostString()));

        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("fluxdb-raft-timer-" + config.localNodeId()).factory());
        timer.setRemoveOnCancelPolicy(true);
        ExecutorService callbacks = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("fluxdb-raft-callback-", 0).factory());
        Submissions submissions = new Submissions(callbacks);
        // the state machine reports changes from the first election on, before start() has returned the cluster
        AtomicReference<RaftCluster> created = new AtomicReference<>();
        FluxStateMachine stateMachine = new FluxStateMachine(engine, config.localNodeId(),
                new ApplySettings(config.tuning().maxParallelApply(), config.tuning().settleTimeout()), timer,
                callbacks, submissions, () -> {
                    RaftCluster cluster = created.get();
                    if (cluster != null) {
                        cluster.changed();
                    }
                });
        RaftServer server = null;
        try {
            server = RaftServer.newBuilder()
                    .setServerId(RaftPeerId.valueOf(config.localNodeId()))
                    .setGroup(group)
                    .setStateMachine(stateMachine)
                    .setProperties(RaftSetup.properties(config))
                    .setParameters(RaftSetup.parameters(tls))
                    .setOption(startup.option())
                    .build();
            server.start();
        } catch (IOException | RuntimeException e) {
            closeQuietly(server);
            timer.shutdownNow();
            callbacks.shutdownNow();
            if (e instanceof ExitUtils.ExitException) {
                // the gRPC server did not start, typically its port in use; the causes say why
                throw new IOException("the Raft port " + config.bindAddress().getHostString() + ":"
                        + config.bindAddress().getPort() + " could not be opened", e);
            }
            throw e;
        }
        RaftCluster cluster = new RaftCluster(config, server, group.getGroupId(), stateMachine, submissions, timer,
                callbacks);
        created.set(cluster);
        log.info("{} - Raft started ({} the log) on {}, group {}, members {}{}", config.localNodeId(),
                startup.formatted() ? "formatted" : "recovered", config.bindAddress(), group.getGroupId(),
                cluster.members().stream().map(RaftMember::id).toList(),
                cluster.isMember() ? "" : "; waiting to be added by the leader");
        return cluster;
    }

    @Override
    public String localNodeId() {
        return config.localNodeId();
    }

    @Override
    public ClusterRole role() {
        DivisionInfo info = info();
        if (info == null || closed || stateMachine.fatal().isPresent()) {
            return new ClusterRole(NodeRole.UNKNOWN, 0, Optional.empty(), Optional.empty());
        }
        long term = info.getCurrentTerm();
        NodeRole role = switch (info.getCurrentRole()) {
            case LEADER -> writable(info) ? NodeRole.LEADER : NodeRole.CANDIDATE;
            case FOLLOWER, LISTENER -> NodeRole.FOLLOWER;
            case CANDIDATE -> NodeRole.CANDIDATE;
            default -> NodeRole.UNKNOWN;
        };
        Optional<String> leader = Optional.ofNullable(info.getLeaderId()).map(RaftPeerId::toString)
                .filter(id -> role == NodeRole.LEADER || !id.equals(config.localNodeId()));
        return new ClusterRole(role, term, leader,
                leader.flatMap(this::member).map(RaftMember::clientAddress));
    }

    /**
     * {@inheritDoc}
     *
     * <p>While a follower is too far behind in applying the log, a {@link EntryKind#TRANSACTION} entry waits for it
     * first (bounded, see {@link FlowControl}). DDL and checksum entries do not: they run under the exclusive write
     * barrier, so no other write runs while they wait anyway, and waiting would only stretch the barrier.
     */
    @Override
    public CompletableFuture<CommitResult> submit(LogEntryContent entry) {
        requireNonNull(entry, "entry is null");
        if (closed) {
            return CompletableFuture.failedFuture(new ClusterException(Reason.SHUTDOWN, "the node is shutting down"));
        }
        DivisionInfo info = info();
        CompletableFuture<Void> admitted = entry.kind() == EntryKind.TRANSACTION && info != null
                ? flowControl.admit() : CompletableFuture.completedFuture(null);
        if (admitted.isDone()) {
            return submitNow(entry);
        }
        // The caller checked that this node leads in the term its transaction ran in; a leader deposed and elected
        // again while the write waited must not append it (it may have run against data missing the entries of the
        // term between). The wait ends on the poller's or the timer's thread: the submit itself runs elsewhere.
        long term = info.getCurrentTerm();
        return admitted.thenComposeAsync(ignored -> {
            DivisionInfo now = info();
            if (now != null && now.getCurrentTerm() != term) {
                return CompletableFuture.failedFuture(new ClusterException(Reason.NOT_LEADER, "leadership changed "
                        + "while the write waited for followers to catch up (term " + term + ", now "
                        + now.getCurrentTerm() + "); it was not appended"));
            }
            return submitNow(entry);
        }, callbacks);
    }

    /**
     * How far followers may fall behind before this leader's writes wait; fed with their applied indexes by whoever
     * polls them (the server's internal API).
     */
    public FlowControl flowControl() {
        return flowControl;
    }

    private CompletableFuture<CommitResult> submitNow(LogEntryContent entry) {
        if (closed) {
            return CompletableFuture.failedFuture(new ClusterException(Reason.SHUTDOWN, "the node is shutting down"));
        }
        DivisionInfo info = info();
        if (info == null || !writable(info)) {
            return CompletableFuture.failedFuture(new ClusterException(Reason.NOT_LEADER, notLeaderMessage()));
        }
        byte[] bytes;
        try {
            // Every entry the log had committed by now may have released its locks on this engine (its XA COMMIT may
            // already have run), so this transaction may have waited for it: followers apply it after those. The
            // entries not yet committed still hold all their locks, as this transaction holds its own: they did not
            // conflict with it, and may be applied at the same time. (The leader's applied watermark would be too low
            // here: the engine releases a transaction's locks before the front end reports it settled.)
            long lastCommitted = Math.max(0, Math.max(committedIndex(), scheduler().watermark().index()));
            bytes = LogEntryCodec.encode(new EntryEnvelope(lastCommitted, entry));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (bytes.length > config.tuning().maxEntryBytes()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("log entry: " + bytes.length
                    + " bytes (expected: <= " + config.tuning().maxEntryBytes() + ")"));
        }
        Submissions.Submission submission = submissions.open();
        Duration bound = config.tuning().submitTimeout();
        submission.timeout(timer.schedule(() -> submissions.fail(submission, appended -> appended
                ? new ClusterException(Reason.NO_QUORUM, "no majority confirmed the entry within " + bound
                        + "; it may still commit")
                : new ClusterException(Reason.NOT_LEADER, "the entry was not appended within " + bound)),
                bound.toMillis(), TimeUnit.MILLISECONDS));
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(submissions.clientId())
                .setServerId(localPeerId)
                .setGroupId(groupId)
                .setCallId(submission.callId)
                .setMessage(Message.valueOf(UnsafeByteOperations.unsafeWrap(bytes)))
                .setType(RaftClientRequest.writeRequestType())
                .build();
        try {
            server.submitClientRequestAsync(request)
                    .whenComplete((reply, error) -> onReply(submission, reply, error));
        } catch (IOException | RuntimeException e) {
            onReply(submission, null, e);
        }
        return submission.future.copy();
    }

    private long committedIndex() {
        RaftServer.Division division = division();
        return division == null ? 0 : division.getRaftLog().getLastCommittedIndex();
    }

    private void onReply(Submissions.Submission submission, RaftClientReply reply, Throwable error) {
        Throwable failure = error != null ? unwrap(error) : reply.isSuccess() ? null : reply.getException();
        if (failure == null) {
            return; // the state machine completed it when the entry was applied to the log
        }
        submissions.fail(submission, appended -> {
            if (closed || failure instanceof AlreadyClosedException) {
                return new ClusterException(Reason.SHUTDOWN, "the node is shutting down", failure);
            }
            if (appended) {
                return new ClusterException(Reason.NO_QUORUM, "leadership was lost after the entry was appended; "
                        + "the next leader decides whether it commits", failure);
            }
            return new ClusterException(Reason.NOT_LEADER, failure instanceof NotLeaderException
                    ? notLeaderMessage() : "the entry was not appended: " + failure.getMessage(), failure);
        });
    }

    @Override
    public void settle(long index, boolean committed) {
        scheduler().settle(index, committed);
    }

    @Override
    public Optional<String> divergence() {
        return scheduler().divergence();
    }

    @Override
    public void changedOutsideTheLog(String reason) {
        scheduler().divergedOutsideTheLog(reason);
    }

    @Override
    public CompletableFuture<Void> awaitApplied(long index, Duration timeout) {
        requireNonNull(timeout, "timeout is null");
        return awaitApplied(index, timeout, System.nanoTime() + timeout.toNanos());
    }

    /**
     * Waits on the current scheduler. Installing a snapshot replaces the scheduler and closes the old one, which fails
     * its waiters as if the node shut down: they wait on the new one instead, for what is left of their time.
     */
    private CompletableFuture<Void> awaitApplied(long index, Duration timeout, long deadline) {
        ApplyScheduler scheduler = scheduler();
        if (closed && index > appliedIndex()) {
            return CompletableFuture.failedFuture(new ClusterException(Reason.SHUTDOWN, "the node is shutting down"));
        }
        CompletableFuture<Void> applied = scheduler.awaitApplied(index);
        if (applied.isDone()) {
            return applied;
        }
        ScheduledFuture<?> expiry = timer.schedule(() -> {
            if (applied.completeExceptionally(new ClusterException(Reason.TIMEOUT,
                    "index " + index + " not applied within " + timeout + " (applied: " + appliedIndex() + ")"))) {
                scheduler.forget(index, applied);
            }
        }, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        applied.whenComplete((value, error) -> expiry.cancel(false));
        return applied.handle((value, error) -> {
            boolean replaced = error instanceof ClusterException e && e.reason() == Reason.SHUTDOWN && !closed
                    && scheduler() != scheduler;
            if (replaced) {
                return awaitApplied(index, timeout, deadline);
            }
            return error == null ? CompletableFuture.<Void>completedFuture(null)
                    : CompletableFuture.<Void>failedFuture(error);
        }).thenCompose(next -> next);
    }

    @Override
    public CompletableFuture<Long> readIndex() {
        if (closed) {
            return CompletableFuture.failedFuture(new ClusterException(Reason.SHUTDOWN, "the node is shutting down"));
        }
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(readClientId)
                .setServerId(localPeerId)
                .setGroupId(groupId)
                .setCallId(readCalls.incrementAndGet())
                .setMessage(Message.EMPTY)
                .setType(RaftClientRequest.readRequestType())
                .build();
        CompletableFuture<Long> index = new CompletableFuture<>();
        Duration bound = config.tuning().submitTimeout();
        ScheduledFuture<?> expiry = timer.schedule(() -> index.completeExceptionally(new ClusterException(
                Reason.TIMEOUT, "no read index confirmed by a majority within " + bound)),
                bound.toMillis(), TimeUnit.MILLISECONDS);
        index.whenComplete((value, error) -> expiry.cancel(false));
        try {
            server.submitClientRequestAsync(request).whenComplete((reply, error) -> {
                Throwable failure = error != null ? unwrap(error) : reply.isSuccess() ? null : reply.getException();
                if (failure != null) {
                    index.completeExceptionally(new ClusterException(closed ? Reason.SHUTDOWN : Reason.NO_QUORUM,
                            "no read index: " + failure.getMessage(), failure));
                } else {
                    index.complete(reply.getMessage().getContent().asReadOnlyByteBuffer().getLong());
                }
            });
        } catch (IOException | RuntimeException e) {
            index.completeExceptionally(new ClusterException(Reason.SHUTDOWN, "no read index: " + e.getMessage(), e));
        }
        return index.whenCompleteAsync((value, error) -> { }, callbacks);
    }

    @Override
    public int maxEntryBytes() {
        return config.tuning().maxEntryBytes();
    }

    @Override
    public long appliedIndex() {
        return Math.max(0, scheduler().watermark().index());
    }

    /**
     * Waits until a leader is known: this node leading and ready for writes, or following a leader it has heard from.
     *
     * @return the role at that moment
     * @throws ClusterException with {@link Reason#TIMEOUT} if none is known within {@code timeout}, or
     *     {@link Reason#SHUTDOWN} if this node closes meanwhile
     */
    public ClusterRole awaitLeader(Duration timeout) {
        requireNonNull(timeout, "timeout is null");
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (changes) {
            while (true) {
                if (closed) {
                    throw new ClusterException(Reason.SHUTDOWN, "the node is shutting down");
                }
                ClusterRole role = role();
                if (role.role() == NodeRole.LEADER
                        || (role.role() == NodeRole.FOLLOWER && role.leaderId().isPresent())) {
                    return role;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new ClusterException(Reason.TIMEOUT, "no leader within " + timeout + " (this node: "
                            + role.role() + ", term " + role.term() + ")");
                }
                try {
                    // woken by leader and watermark changes; the bound re-checks what Ratis does not announce
                    changes.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 50)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ClusterException(Reason.SHUTDOWN, "interrupted while waiting for a leader");
                }
            }
        }
    }

    /** The engine failure or corrupt entry that stopped this node from applying its log, if any. */
    public Optional<Throwable> failure() {
        return stateMachine.fatal().or(() -> scheduler().failure());
    }

    /** This node's replication state. */
    /**
     * Streams a snapshot of this node for a peer that must install one ({@code GET /v1/snapshot}): a
     * {@link io.fluxdb.replication.snapshot.SnapshotHeader} and the engine's dump.
     *
     * @throws io.fluxdb.replication.snapshot.SnapshotUnavailableException if this node has not applied up to
     *     {@code minIndex} or cannot dump now (nothing was written)
     */
    public void writeSnapshot(java.io.OutputStream out, long minIndex) throws IOException {
        requireNonNull(out, "out is null");
        stateMachine.writeSnapshot(out, minIndex);
    }

    /** Where this node fetches a snapshot when the leader tells it to install one. */
    public void snapshotSource(io.fluxdb.replication.snapshot.SnapshotSource source) {
        stateMachine.snapshotSource(requireNonNull(source, "source is null"));
    }

    /** Whether this node is loading a snapshot into its engine now. */
    public boolean installingSnapshot() {
        return stateMachine.installingSnapshot();
    }

    public RaftClusterStatus status() {
        DivisionInfo info = info();
        ClusterRole role = role();
        ApplyScheduler scheduler = scheduler();
        Map<String, Long> peers = new HashMap<>();
        long commitIndex = -1;
        RaftServer.Division division = division();
        if (division != null) {
            for (CommitInfoProto commit : division.getCommitInfos()) {
                peers.put(commit.getServer().getId().toStringUtf8(), commit.getCommitIndex());
            }
            commitIndex = division.getRaftLog().getLastCommittedIndex();
        }
        return new RaftClusterStatus(config.localNodeId(), role.role(), info == null ? 0 : info.getCurrentTerm(),
                role.leaderId(), commitIndex, scheduler.watermark().index(), peers, scheduler.backlog(),
                scheduler.inFlight(), scheduler.divergence(), failure().map(Throwable::getMessage));
    }

    /**
     * The voting members of the group as this node knows them now: the configuration in its log (during a change,
     * the new one); for a node that joins and has no configuration yet, the members it was told of. A member the initial group did not list is assumed to use
     * this node's port layout (its client port as far from its Raft port as this node's is).
     */
    public List<RaftMember> members() {
        RaftServer.Division division = division();
        java.util.Collection<RaftPeer> current = division == null ? List.of() : division.getRaftConf().getCurrentPeers();
        if (current.isEmpty()) {
            // a joining node before the leader's log reached it: the members it was told of
            return config.members().stream().filter(m -> !m.id().equals(config.localNodeId())).toList();
        }
        return current.stream().map(this::toMember).sorted(java.util.Comparator.comparing(RaftMember::id)).toList();
    }

    /** The member with this id now, if there is one. */
    public Optional<RaftMember> member(String id) {
        return members().stream().filter(m -> m.id().equals(id)).findFirst();
    }

    /** Whether this node is a voting member of the group now (a node that waits to join is not). */
    public boolean isMember() {
        return member(config.localNodeId()).isPresent();
    }

    /**
     * Adds a member; only the leader can. Ratis first brings the new node's log up to date as a non-voting (staging)
     * member, and makes it a voter only then, so a node that joins does not weaken the quorum while it catches up.
     * Completes once the new configuration is committed; fails if another change is under way, the node did not
     * catch up in time, or this node is not the leader.
     */
    public CompletableFuture<Void> addMember(RaftMember member) {
        requireNonNull(member, "member is null");
        return changeMembers(SetConfigurationRequest.Arguments.newBuilder()
                .setServersInNewConf(List.of(peer(member)))
                .setMode(SetConfigurationRequest.Mode.ADD)
                .build());
    }

    /**
     * Asks this leader to hand leadership to the most up-to-date peer (as before it removes itself). Returns the peer
     * it asked, or empty when this node does not lead or knows no peer; the transfer itself takes up to a few seconds
     * and may fail, after which this node still leads.
     */
    public Optional<String> handOverLeadership() {
        DivisionInfo info = info();
        Optional<RaftPeerId> successor = mostUpToDatePeer();
        if (closed || info == null || !info.isLeader() || successor.isEmpty()) {
            return Optional.empty();
        }
        try {
            server.transferLeadershipAsync(new TransferLeadershipRequest(readClientId, localPeerId, groupId,
                    readCalls.incrementAndGet(), successor.get(), YIELD_TIMEOUT.toMillis()));
        } catch (IOException | RuntimeException e) {
            log.warn("{} - could not hand leadership to {}: {}", config.localNodeId(), successor.get(), e.toString());
            return Optional.empty();
        }
        log.info("{} - handing leadership to {}", config.localNodeId(), successor.get());
        return Optional.of(successor.get().toString());
    }

    /**
     * Removes a member; only the leader can, and only from the configuration it reads now (another change in between
     * makes this fail rather than undo it).
     */
    public CompletableFuture<Void> removeMember(String id) {
        requireNonNull(id, "id is null");
        List<RaftMember> now = members();
        List<RaftPeer> remaining = now.stream().filter(m -> !m.id().equals(id)).map(RaftCluster::peer).toList();
        if (remaining.size() == now.size()) {
            return CompletableFuture.completedFuture(null);
        }
        return changeMembers(SetConfigurationRequest.Arguments.newBuilder()
                .setServersInCurrentConf(now.stream().map(RaftCluster::peer).toList())
                .setServersInNewConf(remaining)
                .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
                .build());
    }

    private CompletableFuture<Void> changeMembers(SetConfigurationRequest.Arguments arguments) {
        if (closed) {
            return CompletableFuture.failedFuture(new ClusterException(Reason.SHUTDOWN, "the node is shutting down"));
        }
        SetConfigurationRequest request = new SetConfigurationRequest(readClientId, localPeerId, groupId,
                readCalls.incrementAndGet(), arguments);
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            server.setConfigurationAsync(request).whenComplete((reply, error) -> {
                Throwable failure = error != null ? unwrap(error) : reply.isSuccess() ? null : reply.getException();
                if (failure == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(new ClusterException(failure instanceof NotLeaderException
                            ? Reason.NOT_LEADER : Reason.NO_QUORUM,
                            "membership change refused: " + failure.getMessage(), failure));
                }
            });
        } catch (IOException | RuntimeException e) {
            done.completeExceptionally(new ClusterException(Reason.SHUTDOWN, "membership change: " + e.getMessage(), e));
        }
        return done.whenCompleteAsync((value, error) -> { }, callbacks);
    }

    private RaftMember toMember(RaftPeer peer) {
        String id = peer.getId().toString();
        Optional<RaftMember> initial = config.member(id);
        if (initial.isPresent()) {
            return initial.get();
        }
        String address = peer.getAddress();
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon).replace("[", "").replace("]", "");
        int raftPort = Integer.parseInt(address.substring(colon + 1));
        RaftMember local = config.localMember();
        int clientPort = raftPort + local.clientAddress().getPort() - local.raftAddress().getPort();
        return new RaftMember(id, InetSocketAddress.createUnresolved(host, raftPort),
                InetSocketAddress.createUnresolved(host, clientPort));
    }

    private static RaftPeer peer(RaftMember member) {
        return RaftPeer.newBuilder().setId(member.id()).setAddress(member.raftHostPort()).build();
    }

    /**
     * On a follower that knows its leader: the leader, the term, and how long ago the leader's last append or
     * heartbeat reached this node. Empty on a leader or a candidate, on a follower without a leader, and once closed.
     */
    public Optional<LeaderSilence> leaderSilence() {
        RaftServer.Division division = division();
        DivisionInfo info = division == null ? null : division.getInfo();
        if (closed || info == null || !info.isFollower() || info.getLeaderId() == null) {
            return Optional.empty();
        }
        RoleInfoProto role = info.getRoleInfoProto();
        if (!role.hasFollowerInfo() || !role.getFollowerInfo().hasLeaderInfo()) {
            return Optional.empty();
        }
        String leader = info.getLeaderId().toString();
        TermIndex last = division.getRaftLog().getLastEntryTermIndex();
        long lastIndex = last == null ? -1 : last.getIndex();
        // the commit indexes the leader passed on with its appends: a catching-up follower lacks what others committed
        boolean behind = division.getCommitInfos().stream()
                .filter(c -> !c.getServer().getId().toStringUtf8().equals(config.localNodeId())
                        && !c.getServer().getId().toStringUtf8().equals(leader))
                .anyMatch(c -> c.getCommitIndex() > lastIndex);
        return Optional.of(new LeaderSilence(leader, info.getCurrentTerm(),
                Duration.ofMillis(role.getFollowerInfo().getLeaderInfo().getLastRpcElapsedTimeMs()), behind));
    }

    /**
     * Stands in an election now, on a follower whose leader {@code goneLeaderId} (in {@code term}) is known to be gone,
     * instead of after the election timeout (see {@link EarlyElection} for why this is safe). Returns whether an
     * election started: not when this node no longer follows that leader in that term, has no entry of that term
     * yet, or is unfit to lead.
     */
    public boolean electWithoutWaiting(String goneLeaderId, long term) {
        requireNonNull(goneLeaderId, "goneLeaderId is null");
        if (closed || unfit.get()) {
            return false;
        }
        try {
            return EarlyElection.start(server, groupId, localPeerId, RaftPeerId.valueOf(goneLeaderId), term);
        } catch (IOException | RuntimeException e) {
            log.info("{} - could not start an election: {}", config.localNodeId(), e.toString());
            return false;
        }
    }

    /** The address this node's Raft port listens on. */
    public InetSocketAddress bindAddress() {
        return config.bindAddress();
    }

    /** Leaves the group: stops Raft (the log stays on disk) and the apply scheduler. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        flowControl.close(); // writes held back now fail as the node shuts down, not later
        changed();
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing Raft of " + config.localNodeId(), e);
        } finally {
            submissions.failAll(appended -> new ClusterException(Reason.SHUTDOWN, "the node is shutting down"));
            timer.shutdownNow();
            callbacks.shutdown();
            log.info("{} - Raft stopped", config.localNodeId());
        }
    }

    private void changed() {
        synchronized (changes) {
            changes.notifyAll();
        }
        DivisionInfo now = info();
        if (now == null || !now.isLeader()) {
            flowControl.reset(); // writes held back fail now (not leader) rather than after their wait
        }
        boolean failed;
        boolean diverged;
        try {
            failed = scheduler().failure().isPresent();
            diverged = scheduler().divergence().isPresent();
        } catch (IllegalStateException e) {
            return; // the state machine is not initialized yet
        }
        boolean stepBack = failed || diverged;
        if (!closed && unfit.compareAndSet(!stepBack, stepBack)) {
            timer.execute(stepBack ? this::yieldLeadership : this::rejoinElections);
        }
        if (!closed && !failed && scheduler().resyncable()) {
            DivisionInfo info = info();
            boolean leading = info != null && info.isLeader();
            repair.consider(leading, Optional.ofNullable(info == null ? null : info.getLeaderId())
                    .map(RaftPeerId::toString));
        }
    }

    /**
     * This node's engine failed, or its data diverged: the node must not run writes, so it must not lead. It stops
     * standing in elections (it still votes) and, while it leads, hands leadership to the most up-to-date peer, again
     * every few seconds until that works or the node is fit again.
     */
    private void yieldLeadership() {
        if (closed || !unfit.get()) {
            return;
        }
        String why = scheduler().failure().isPresent() ? "its engine failed" : "its data diverged from the log's";
        try {
            server.leaderElectionManagementAsync(LeaderElectionManagementRequest.newPause(readClientId, localPeerId,
                    groupId, readCalls.incrementAndGet()));
            Optional<String> successor = handOverLeadership();
            log.warn("{} - {}: {}this node stands in no election until it is fit again", config.localNodeId(), why,
                    successor.map(s -> "handing leadership to " + s + "; ").orElse(""));
        } catch (RuntimeException e) {
            log.warn("{} - could not step back from leadership: {}", config.localNodeId(), e.toString());
        }
        timer.schedule(() -> {
            DivisionInfo info = info();
            if (unfit.get() && info != null && info.isLeader()) {
                yieldLeadership();
            }
        }, YIELD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void rejoinElections() {
        if (closed || unfit.get()) {
            return;
        }
        try {
            server.leaderElectionManagementAsync(LeaderElectionManagementRequest.newResume(readClientId, localPeerId,
                    groupId, readCalls.incrementAndGet()));
            log.info("{} - fit to lead again (its engine answers, its data equals the log's); this node stands in"
                    + " elections again", config.localNodeId());
        } catch (RuntimeException e) {
            log.warn("{} - could not rejoin elections: {}", config.localNodeId(), e.toString());
        }
    }

    /** The peer whose commit index, as this node last heard it, is highest. */
    private Optional<RaftPeerId> mostUpToDatePeer() {
        RaftServer.Division division = division();
        if (division == null) {
            return Optional.empty();
        }
        return division.getCommitInfos().stream()
                .filter(info -> !info.getServer().getId().toStringUtf8().equals(config.localNodeId()))
                .max(java.util.Comparator.comparingLong(CommitInfoProto::getCommitIndex))
                .map(info -> RaftPeerId.valueOf(info.getServer().getId()));
    }

    /** Leader, ready in Ratis' sense, caught up on every earlier term, and applying. */
    private boolean writable(DivisionInfo info) {
        return info.isLeader() && info.isLeaderReady() && scheduler().watermark().term() == info.getCurrentTerm()
                && failure().isEmpty() && scheduler().divergence().isEmpty();
    }

    private String notLeaderMessage() {
        ClusterRole role = role();
        return "this node (" + config.localNodeId() + ") is not the leader"
                + (role.role() == NodeRole.CANDIDATE && role.leaderId().isEmpty() ? " yet" : "")
                + role.leaderId().map(id -> "; the leader is " + id).orElse("; no leader is known");
    }

    private ApplyScheduler scheduler() {
        return stateMachine.scheduler();
    }

    private RaftServer.Division division() {
        try {
            return server.getDivision(groupId);
        } catch (IOException e) {
            return null; // closed or not started: there is no group to report on
        }
    }

    private DivisionInfo info() {
        RaftServer.Division division = division();
        return division == null ? null : division.getInfo();
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private static void closeQuietly(RaftServer server) {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException | RuntimeException e) {
            log.warn("raft - closing after a failed start: {}", e.toString());
        }
    }
}

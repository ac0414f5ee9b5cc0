package io.fluxdb.replication.statemachine;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.spi.Engine;
import io.fluxdb.replication.log.EntryEnvelope;
import io.fluxdb.replication.log.LogEntryCodec;
import io.fluxdb.replication.snapshot.SnapshotHeader;
import io.fluxdb.replication.snapshot.SnapshotSource;
import io.fluxdb.replication.snapshot.SnapshotUnavailableException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis state machine of a FluxDB node. It decodes each committed entry and hands it to the
 * {@link ApplyScheduler}; Ratis' apply thread never waits for the engine, so an entry counts as applied for Ratis
 * (and its submitter hears that it is committed) as soon as it is queued. The engine is the state, so a snapshot only
 * records the engine's applied watermark ({@link WatermarkSnapshots}); a node that needs entries the log no longer
 * holds loads an engine dump from a peer instead ({@link #notifyInstallSnapshotFromLeader}).
 *
 * <p>A corrupt entry throws {@link IllegalStateException} from {@link #applyTransaction}, which makes Ratis close
 * the server: a node must not guess its way past an entry it cannot read.
 */
public final class FluxStateMachine extends BaseStateMachine {
    private static final Logger log = LoggerFactory.getLogger(FluxStateMachine.class);

    /** How long a leader that stops at an unreadable entry waits for its peers to hear that it committed. */
    private static final java.time.Duration PEERS_COMMITTED_WAIT = java.time.Duration.ofSeconds(2);

    private final Engine engine;
    private final String localNodeId;
    private final ApplySettings settings;
    private final ScheduledExecutorService timer;
    private final Executor callbacks;
    private final Runnable onChange;
    private final LocalSubmissions submissions;
    private final ByteString localClientId;
    private final WatermarkSnapshots snapshots = new WatermarkSnapshots();
    private final SnapshotInstaller installer;

    private volatile SnapshotInfo trusted;
    private volatile ApplyScheduler scheduler;
    private volatile Throwable fatal;

    /**
     * @param onChange told when the leader, the applied watermark, a divergence or a failure changed; must be quick
     */
    public FluxStateMachine(Engine engine, String localNodeId, ApplySettings settings, ScheduledExecutorService timer,
            Executor callbacks, LocalSubmissions submissions, Runnable onChange) {
        this.engine = requireNonNull(engine, "engine is null");
        this.localNodeId = requireNonNull(localNodeId, "localNodeId is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.timer = requireNonNull(timer, "timer is null");
        this.callbacks = requireNonNull(callbacks, "callbacks is null");
        this.submissions = requireNonNull(submissions, "submissions is null");
        this.onChange = requireNonNull(onChange, "onChange is null");
        this.localClientId = submissions.clientId().toByteString();
        this.installer = new SnapshotInstaller(engine, snapshots, localNodeId);
    }

    /** The scheduler; available once Ratis has initialized this state machine (during server start). */
    public ApplyScheduler scheduler() {
        ApplyScheduler current = scheduler;
        if (current == null) {
            throw new IllegalStateException("state machine not initialized");
        }
        return current;
    }

    /** Why this node stopped reading its log (a corrupt entry), if it did. */
    public Optional<Throwable> fatal() {
        return Optional.ofNullable(fatal);
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage storage) throws IOException {
        super.initialize(server, groupId, storage);
        snapshots.init(storage);
        installer.recoverIfInterrupted();
        SnapshotInfo latest = snapshots.getLatestSnapshot();
        long engineApplied = engine.highestAppliedIndex();
        if (latest != null && latest.getIndex() > engineApplied) {
            latest = null;
            engineLostData(storage, engineApplied);
        }
        trusted = latest;
        ApplyScheduler.Watermark start = new ApplyScheduler.Watermark(0, RaftLog.INVALID_LOG_INDEX);
        if (latest != null) {
            setLastAppliedTermIndex(latest.getTermIndex());
            start = new ApplyScheduler.Watermark(latest.getTerm(), latest.getIndex());
            // the engine holds every entry up to the snapshot; the log's configuration entries below it are passed
            engine.appliedThrough(latest.getIndex());
        }
        scheduler = new ApplyScheduler(engine, localNodeId, start, settings, timer, callbacks, onChange);
        log.info("{} - log resumes after index {}; the engine has applied up to {}", localNodeId, start.index(),
                engineApplied);
        if (getLifeCycleState() == LifeCycle.State.NEW) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    /**
     * The engine lost data the snapshot says it had (restored from a backup, recreated empty). While this node's log
     * still starts at index 0 it hands the engine the whole log again, and what the engine does hold comes back as
     * already applied. Once the log was purged it cannot: its segments and snapshot records are deleted (the term,
     * vote and configuration stay), so that the leader finds this node's log empty and has it load a peer's dump
     * ({@link #notifyInstallSnapshotFromLeader}). Runs before Ratis opens the log.
     */
    private void engineLostData(RaftStorage storage, long engineApplied) throws IOException {
        Path current = storage.getStorageDir().getCurrentDir().toPath();
        OptionalLong logStart = RaftLogFiles.startIndex(current);
        if (logStart.isEmpty() || logStart.getAsLong() == 0) {
            log.warn("{} - the snapshot records more than the engine holds (up to {}); replaying the log from its "
                    + "start", localNodeId, engineApplied);
            return;
        }
        log.warn("{} - the snapshot records more than the engine holds (up to {}), and this node's log starts at {}: "
                + "it cannot bring the engine back. Dropping the log's segments and snapshot records; the leader will "
                + "have this node load a peer's dump", localNodeId, engineApplied, logStart.getAsLong());
        RaftLogFiles.deleteSegments(current);
        snapshots.deleteAll();
    }

    @Override
    public SnapshotInfo getLatestSnapshot() {
        return trusted;
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return snapshots;
    }

    @Override
    public long takeSnapshot() throws IOException {
        ApplyScheduler.Watermark watermark = scheduler().watermark();
        if (watermark.index() < 0) {
            return RaftLog.INVALID_LOG_INDEX;
        }
        try {
            // after a restart the engine must show at least this index, or the node takes it for an engine that lost
            // data (see initialize)
            engine.recordAppliedThrough(watermark.index());
        } catch (RuntimeException e) {
            throw new IOException("cannot record the applied watermark " + watermark.index() + " in the engine: "
                    + e.getMessage(), e);
        }
        snapshots.write(watermark.term(), watermark.index());
        trusted = snapshots.getLatestSnapshot();
        return trusted.getIndex();
    }

    /**
     * Runs in log order right before an entry is appended on the leader. An entry this node submitted is refused
     * (and so certainly not appended) when its submitter gave up, or when this leader has not yet applied every entry
     * of earlier terms: its transaction may then have run against data that misses some of them.
     */
    @Override
    public TransactionContext preAppendTransaction(TransactionContext trx) throws IOException {
        RaftClientRequest request = trx.getClientRequest();
        if (request == null || !request.getClientId().toByteString().equals(localClientId)) {
            return trx;
        }
        long term = getServer().join().getDivision(getGroupId()).getInfo().getCurrentTerm();
        if (scheduler().watermark().term() != term) {
            throw new IOException("call " + request.getCallId() + ": this leader has not applied every entry of the "
                    + "terms before " + term + " yet");
        }
        if (!submissions.beforeAppend(request.getCallId())) {
            throw new IOException("call " + request.getCallId() + ": its submitter gave up before it was appended");
        }
        return trx;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        StateMachineLogEntryProto content = entry.getStateMachineLogEntry();
        EntryEnvelope envelope;
        try {
            envelope = LogEntryCodec.decode(content.getLogData().asReadOnlyByteBuffer());
        } catch (IllegalStateException e) {
            IllegalStateException corrupt = new IllegalStateException("entry " + entry.getIndex() + " (term "
                    + entry.getTerm() + "): " + e.getMessage() + "; this node stops", e);
            fatal = corrupt;
            onChange.run();
            awaitPeersCommitted(entry.getIndex());
            throw corrupt;
        }
        try {
            scheduler().awaitRoom();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // Ratis is closing: the entry stays in the log
            return CompletableFuture.failedFuture(e);
        }
        Runnable tellSubmitter = content.getClientId().equals(localClientId)
                ? submissions.committed(content.getCallId(), entry.getTerm(), entry.getIndex()) : null;
        scheduler().enqueueEntry(entry.getTerm(), entry.getIndex(), envelope, tellSubmitter != null);
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        if (tellSubmitter != null) {
            tellSubmitter.run();
        }
        return CompletableFuture.completedFuture(Message.EMPTY);
    }

    /**
     * On the leader, before it stops at an entry it cannot read: waits a moment until every peer has heard that the
     * entry committed, so that each of them stops at it too rather than wait for a leader that is gone. (Nothing else
     * tells them: the log carries no commit-index entries, see RaftSetup.)
     */
    private void awaitPeersCommitted(long index) {
        long deadline = System.nanoTime() + PEERS_COMMITTED_WAIT.toNanos();
        try {
            RaftServer.Division division = getServer().join().getDivision(getGroupId());
            while (division.getInfo().isLeader() && System.nanoTime() < deadline
                    && division.getCommitInfos().stream().anyMatch(c -> c.getCommitIndex() < index)) {
                Thread.sleep(10);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("{} - could not wait for the peers' commit index: {}", localNodeId, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        // an entry without content (configuration, commit metadata): it still takes an index
        scheduler().enqueueMarker(term, index);
        super.notifyTermIndexUpdated(term, index);
    }

    /** Answers a linearizable read with an index at or after the read index Ratis confirmed with a majority. */
    @Override
    public CompletableFuture<Message> query(Message request) {
        TermIndex applied = getLastAppliedTermIndex();
        ByteBuffer index = ByteBuffer.allocate(Long.BYTES).putLong(0, applied.getIndex());
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(index)));
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        onChange.run();
    }

    @Override
    public void notifyLeaderReady() {
        onChange.run();
    }

    /**
     * The leader no longer holds the log entries this node needs next (it purged them once a snapshot covered them):
     * this node loads a dump from an up-to-date peer ({@link SnapshotInstaller}) and continues the log after it.
     * Ratis then pauses this state machine and calls {@link #reinitialize()}.
     */
    @Override
    public CompletableFuture<TermIndex> notifyInstallSnapshotFromLeader(RoleInfoProto roleInfo,
            TermIndex firstTermIndexInLog) {
        long applied = scheduler == null ? RaftLog.INVALID_LOG_INDEX : scheduler.watermark().index();
        if (firstTermIndexInLog == null || firstTermIndexInLog.getIndex() <= applied + 1) {
            // Ratis asks every node that joins, whatever it lacks; the leader's log still holds every entry this
            // node lacks (a young cluster, or a node that comes back with most of the data), so "no snapshot" lets
            // the leader send them, cheaper than a whole dump
            log.info("{} - the leader's log starts at {} and this node has applied up to {}: catching up from the log",
                    localNodeId, firstTermIndexInLog, applied);
            return CompletableFuture.completedFuture(null);
        }
        Optional<String> leader = Optional.of(roleInfo)
                .filter(RoleInfoProto::hasFollowerInfo)
                .map(r -> r.getFollowerInfo().getLeaderInfo().getId().getId().toStringUtf8())
                .filter(id -> !id.isEmpty());
        long minIndex = firstTermIndexInLog.getIndex() - 1;
        log.info("{} - the leader's log starts at {}: installing a snapshot at index {} or later", localNodeId,
                firstTermIndexInLog, minIndex);
        CompletableFuture<TermIndex> installed = new CompletableFuture<>();
        Thread.ofVirtual().name("fluxdb-snapshot-install").start(() -> {
            try {
                SnapshotHeader header = installer.install(scheduler(), minIndex, leader);
                installed.complete(TermIndex.valueOf(header.term(), header.index()));
            } catch (Throwable t) {
                log.warn("{} - installing a snapshot failed, the leader will ask again: {}", localNodeId, t.toString());
                installed.completeExceptionally(t);
            } finally {
                onChange.run();
            }
        });
        return installed;
    }

    /** Runs after Ratis paused this state machine (see {@code StateMachineUpdater}); part of installing a snapshot. */
    @Override
    public void pause() {
        if (getLifeCycleState() == LifeCycle.State.RUNNING) {
            getLifeCycle().transition(LifeCycle.State.PAUSING);
            getLifeCycle().transition(LifeCycle.State.PAUSED);
        }
    }

    /**
     * After a snapshot is installed: applying resumes after the snapshot's watermark, with a new scheduler (the old
     * one held every entry back since the install began, and is closed).
     */
    @Override
    public void reinitialize() throws IOException {
        SnapshotInfo latest = snapshots.getLatestSnapshot();
        if (latest == null) {
            throw new IOException("reinitialize without an installed snapshot");
        }
        ApplyScheduler old = scheduler;
        trusted = latest;
        setLastAppliedTermIndex(latest.getTermIndex());
        scheduler = new ApplyScheduler(engine, localNodeId,
                new ApplyScheduler.Watermark(latest.getTerm(), latest.getIndex()), settings, timer, callbacks, onChange);
        if (old != null) {
            old.close();
        }
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
        log.info("{} - snapshot installed: the log resumes after index {} (term {})", localNodeId, latest.getIndex(),
                latest.getTerm());
        onChange.run();
    }

    /**
     * Replaces this node's data, which diverged from the log's, with an up-to-date peer's dump; applying goes on after
     * it. Blocks until the dump is loaded.
     *
     * @throws IOException if no peer could serve a dump or loading it failed
     */
    public SnapshotHeader resyncDiverged(Optional<String> leaderId) throws IOException {
        ApplyScheduler current = scheduler();
        return installer.resync(current, current.watermark().index(), leaderId);
    }

    /** Where this node gets a snapshot when it must install one; set once the server knows its peers. */
    public void snapshotSource(SnapshotSource source) {
        installer.source(source);
    }

    /** Whether this node is loading a snapshot now. */
    public boolean installingSnapshot() {
        return installer.running();
    }

    /**
     * Writes a snapshot of this node for a peer: holds applying back while the engine opens its dump, so the dump
     * holds exactly the entries up to the watermark in its {@link SnapshotHeader}, then streams it.
     *
     * @throws SnapshotUnavailableException if this node has not applied up to {@code minIndex}, or cannot dump now
     */
    public void writeSnapshot(OutputStream out, long minIndex) throws IOException {
        if (!installer.engineComplete()) {
            throw new SnapshotUnavailableException("this node is loading a snapshot itself");
        }
        SnapshotWriter.write(scheduler(), engine, out, minIndex);
    }

    @Override
    public void close() {
        ApplyScheduler current = scheduler;
        if (current != null) {
            current.close();
        }
    }
}

package io.fluxdb.replication.statemachine;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.spi.Engine;
import io.fluxdb.replication.snapshot.SnapshotHeader;
import io.fluxdb.replication.snapshot.SnapshotSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs a snapshot from a peer: holds this node's applying back for good (the scheduler is replaced once the
 * snapshot is in), loads the peer's engine dump into the engine, and records the dump's watermark as this node's
 * latest snapshot, so the log resumes after it.
 *
 * <p>A marker file in the snapshot directory exists while the engine is being replaced: if the process stops then,
 * the engine holds part of a dump and the next start refuses to run on it.
 */
final class SnapshotInstaller {
    private static final Logger log = LoggerFactory.getLogger(SnapshotInstaller.class);
    private static final String MARKER = "snapshot-install-in-progress";
    private static final Duration QUIET_WAIT = Duration.ofSeconds(60);

    private final Engine engine;
    private final WatermarkSnapshots snapshots;
    private final String localNodeId;
    private final AtomicBoolean running = new AtomicBoolean();
    /** The engine holds part of a dump: an install failed after it began to replace the engine's data. */
    private volatile boolean engineIncomplete;
    private volatile SnapshotSource source;
    /** The hold of a re-sync that failed after it began to replace the engine's data; released by one that succeeds. */
    private ApplyScheduler.Hold stranded;

    SnapshotInstaller(Engine engine, WatermarkSnapshots snapshots, String localNodeId) {
        this.engine = engine;
        this.snapshots = snapshots;
        this.localNodeId = localNodeId;
    }

    void source(SnapshotSource value) {
        this.source = requireNonNull(value, "value is null");
    }

    boolean running() {
        return running.get();
    }

    /** Whether the engine's data may be served to others: not while a dump loads, nor after one failed halfway. */
    boolean engineComplete() {
        return !running.get() && !engineIncomplete;
    }

    /**
     * At start: an install that was interrupted left the engine half loaded. Its data is discarded (the engine then
     * holds less than any snapshot record says, and the node fills it again from its log or a peer's dump); an engine
     * that cannot discard its data by itself makes the start fail with what to do by hand.
     *
     * @return whether the engine's data was discarded
     */
    boolean recoverIfInterrupted() throws IOException {
        Path marker = snapshots.directory().resolve(MARKER);
        if (!Files.exists(marker)) {
            return false;
        }
        log.warn("{} - loading a snapshot into the engine was interrupted ({}): discarding the half-loaded data",
                localNodeId, Files.readString(marker).strip());
        try {
            engine.discardData();
        } catch (UnsupportedOperationException e) {
            throw new IOException("loading a snapshot into the engine was interrupted, so the engine holds part of a"
                    + " dump: empty the engine (drop its user schemas and the fluxdb schema), delete " + marker
                    + " and start again; the node then installs a snapshot anew", e);
        }
        Files.delete(marker);
        return true;
    }

    /**
     * Installs a snapshot holding at least {@code minIndex}. On success {@code scheduler} stays held (the caller
     * replaces it); on a failure before the engine was touched it goes on applying, after one that left the engine
     * half loaded it stays held until an install succeeds.
     */
    SnapshotHeader install(ApplyScheduler scheduler, long minIndex, Optional<String> leaderId) throws IOException {
        return load(scheduler, minIndex, leaderId, true);
    }

    /**
     * Replaces the data of an engine that diverged with a peer's dump holding at least {@code minIndex} (this node's
     * watermark), while the log goes on: {@code scheduler} is held during the load and released after it, and the
     * entries it queued meanwhile up to the dump's index are found applied in the engine and skipped. Unlike
     * {@link #install}, no snapshot is recorded: the log still holds every entry after {@code minIndex}, and Ratis
     * feeds them as usual. The scheduler's divergence is cleared once the dump is in.
     */
    SnapshotHeader resync(ApplyScheduler scheduler, long minIndex, Optional<String> leaderId) throws IOException {
        return load(scheduler, minIndex, leaderId, false);
    }

    private SnapshotHeader load(ApplyScheduler scheduler, long minIndex, Optional<String> leaderId,
            boolean recordSnapshot) throws IOException {
        SnapshotSource from = source;
        if (from == null) {
            throw new IOException("this node cannot fetch snapshots yet (its internal API client is not ready)");
        }
        if (!running.compareAndSet(false, true)) {
            throw new IOException("a snapshot install is running already");
        }
        ApplyScheduler.Hold hold = null;
        boolean installed = false;
        boolean engineTouched = false;
        try {
            hold = scheduler.hold(QUIET_WAIT);
            long start = System.nanoTime();
            Path marker = snapshots.directory().resolve(MARKER);
            SnapshotHeader header;
            // the engine holds everything up to the hold's watermark: a dump from before it would lose entries
            long needed = Math.max(minIndex, hold.watermark().index());
            try (InputStream in = from.open(needed, leaderId)) {
                header = SnapshotHeader.read(in);
                if (header.index() < needed) {
                    throw new IOException("the peer sent a snapshot at index " + header.index() + ", " + needed
                            + " or later is needed");
                }
                log.info("{} - loading a snapshot at index {} (term {}) into the engine", localNodeId, header.index(),
                        header.term());
                Files.writeString(marker, "index " + header.index() + "\n");
                engineTouched = true;
                engineIncomplete = true;
                engine.restore(in);
            }
            // the dump holds every entry up to its index; the log's configuration entries there had nothing for it
            engine.recordAppliedThrough(header.index());
            if (recordSnapshot) {
                snapshots.write(header.term(), header.index());
            } else {
                scheduler.divergenceRepaired(header.index());
            }
            Files.delete(marker);
            engineIncomplete = false;
            installed = true;
            log.info("{} - snapshot at index {} loaded in {} ms", localNodeId, header.index(),
                    (System.nanoTime() - start) / 1_000_000);
            return header;
        } catch (TimeoutException e) {
            throw new IOException("entries still applying: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            // an engine that holds part of a dump must apply nothing: it stays held until an install succeeds
            if (hold != null && (installed ? !recordSnapshot : !engineTouched)) {
                hold.close();
            } else if (hold != null && !installed && !recordSnapshot && stranded == null) {
                stranded = hold;
            }
            if (installed && !recordSnapshot && stranded != null) {
                stranded.close();
                stranded = null;
            }
            running.set(false);
        }
    }
}

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

    /** Refuses to start on an engine that an interrupted install left half loaded. */
    void checkNotInterrupted() throws IOException {
        Path marker = snapshots.directory().resolve(MARKER);
        if (Files.exists(marker)) {
            throw new IOException("loading a snapshot into the engine was interrupted, so the engine holds part of a"
                    + " dump: empty the engine (drop its user schemas and the fluxdb schema), delete " + marker
                    + " and start again; the node then installs a snapshot anew");
        }
    }

    /**
     * Installs a snapshot holding at least {@code minIndex}. On success {@code scheduler} stays held (the caller
     * replaces it); on a failure before the engine was touched it goes on applying, after one that left the engine
     * half loaded it stays held until an install succeeds.
     */
    SnapshotHeader install(ApplyScheduler scheduler, long minIndex, Optional<String> leaderId) throws IOException {
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
            try (InputStream in = from.open(minIndex, leaderId)) {
                header = SnapshotHeader.read(in);
                if (header.index() < minIndex) {
                    throw new IOException("the peer sent a snapshot at index " + header.index() + ", " + minIndex
                            + " or later is needed");
                }
                log.info("{} - loading a snapshot at index {} (term {}) into the engine", localNodeId, header.index(),
                        header.term());
                Files.writeString(marker, "index " + header.index() + "\n");
                engineTouched = true;
                engineIncomplete = true;
                engine.restore(in);
            }
            snapshots.write(header.term(), header.index());
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
            if (hold != null && !installed && !engineTouched) {
                hold.close();
            }
            running.set(false);
        }
    }
}

package io.fluxdb.replication.statemachine;

import io.fluxdb.engine.spi.Engine;
import io.fluxdb.engine.spi.EngineDump;
import io.fluxdb.replication.snapshot.SnapshotHeader;
import io.fluxdb.replication.snapshot.SnapshotUnavailableException;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a snapshot: the engine's dump with the log position it holds. Applying is held back only while the engine
 * opens its dump transaction and reads its catalog (see {@link ApplyScheduler#hold}); the rows stream afterwards.
 */
final class SnapshotWriter {
    private static final Logger log = LoggerFactory.getLogger(SnapshotWriter.class);
    /** How long entries already running may take to finish before the dump gives up (and the caller asks again). */
    private static final Duration QUIET_WAIT = Duration.ofSeconds(5);

    private SnapshotWriter() {
    }

    static void write(ApplyScheduler scheduler, Engine engine, OutputStream out, long minIndex) throws IOException {
        SnapshotHeader header;
        EngineDump dump;
        try (ApplyScheduler.Hold hold = scheduler.hold(QUIET_WAIT)) {
            ApplyScheduler.Watermark watermark = hold.watermark();
            if (watermark.index() < minIndex) {
                throw new SnapshotUnavailableException("this node has applied up to index " + watermark.index()
                        + ", the snapshot must hold " + minIndex);
            }
            header = new SnapshotHeader(watermark.term(), watermark.index());
            dump = engine.beginDump();
        } catch (TimeoutException e) {
            throw new SnapshotUnavailableException("cannot hold applying back for a dump: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SnapshotUnavailableException("interrupted");
        } catch (IllegalStateException e) {
            throw new SnapshotUnavailableException("the engine cannot dump now: " + e.getMessage());
        }
        long start = System.nanoTime();
        try (dump) {
            header.write(out);
            dump.writeTo(out);
            out.flush();
        }
        log.info("snapshot - served at index {} (term {}) in {} ms", header.index(), header.term(),
                (System.nanoTime() - start) / 1_000_000);
    }
}

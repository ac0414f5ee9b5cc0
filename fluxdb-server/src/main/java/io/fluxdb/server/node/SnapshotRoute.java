package io.fluxdb.server.node;

import static java.util.Objects.requireNonNull;

import io.fluxdb.api.internal.ApiExchange;
import io.fluxdb.api.internal.ApiHandler;
import io.fluxdb.replication.RaftCluster;
import io.fluxdb.replication.snapshot.SnapshotUnavailableException;
import java.io.IOException;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/snapshot?min=<index>} of the internal API: streams this node's snapshot (the log position, then the
 * engine's dump) to a peer that must install one. Answers 409 when this node has not applied up to {@code min} or
 * cannot dump now, so the peer asks another; 503 before this node runs its replicated log.
 */
final class SnapshotRoute implements ApiHandler {
    private static final Logger log = LoggerFactory.getLogger(SnapshotRoute.class);
    private static final String CONTENT_TYPE = "application/x-fluxdb-snapshot";

    private volatile RaftCluster raft;

    /** This node's replicated log, once it runs. */
    void cluster(RaftCluster value) {
        this.raft = requireNonNull(value, "value is null");
    }

    @Override
    public void handle(ApiExchange exchange) throws IOException {
        RaftCluster cluster = raft;
        if (cluster == null) {
            exchange.respondText(503, "this node does not run its replicated log yet");
            return;
        }
        long minIndex;
        try {
            minIndex = Long.parseLong(exchange.query("min").orElse("0"));
        } catch (NumberFormatException e) {
            exchange.respondText(400, "min: not a number");
            return;
        }
        log.info("snapshot - {} asks for a snapshot at index {} or later", exchange.peerName(), minIndex);
        LazyBody body = new LazyBody(exchange);
        try (body) {
            cluster.writeSnapshot(body, minIndex);
        } catch (SnapshotUnavailableException e) {
            if (body.started()) {
                throw e;
            }
            log.info("snapshot - not served to {}: {}", exchange.peerName(), e.getMessage());
            exchange.respondText(409, e.getMessage());
        }
    }

    /** The response body, started (200, streamed) on the first byte, so a refusal before it can still be a 409. */
    private static final class LazyBody extends OutputStream {
        private final ApiExchange exchange;
        private OutputStream out;

        LazyBody(ApiExchange exchange) {
            this.exchange = exchange;
        }

        boolean started() {
            return out != null;
        }

        private OutputStream out() throws IOException {
            if (out == null) {
                out = exchange.respondStream(200, CONTENT_TYPE);
            }
            return out;
        }

        @Override
        public void write(int b) throws IOException {
            out().write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out().write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            if (out != null) {
                out.flush();
            }
        }

        @Override
        public void close() throws IOException {
            if (out != null) {
                out.close();
            }
        }
    }
}

package io.fluxdb.api;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UI port's public endpoints (docs/status.md):
 * <ul>
 *   <li>{@code GET /status}: the node and its cluster as JSON, in the original Flux Shared DB's shape plus FluxDB's
 *       own fields; FluxOS reads it;</li>
 *   <li>{@code GET /}: the master probe of the Flux Domain Manager, {@code OK} (200) on the leader and
 *       {@code Bad Request} (500) on every other node, as the original answered a request without a Host header.
 *       There is no web UI yet, so it answers so with a Host header too.</li>
 * </ul>
 */
public final class StatusServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatusServer.class);
    /** Entries a node may be behind its commit index and still say OK rather than SYNC. */
    static final long SYNC_LAG = 100;

    private final HttpServer server;
    private final ExecutorService executor;
    private final StatusProvider provider;
    private final PeerStatusPoller peers;

    private StatusServer(HttpServer server, ExecutorService executor, StatusProvider provider, PeerStatusPoller peers) {
        this.server = server;
        this.executor = executor;
        this.provider = provider;
        this.peers = peers;
    }

    /**
     * Binds {@code address} and serves; peers are asked for their status every {@code peerInterval}, each request
     * bounded by {@code peerTimeout}.
     *
     * @throws IOException when the address cannot be bound
     */
    public static StatusServer start(InetSocketAddress address, StatusProvider provider, Duration peerInterval,
            Duration peerTimeout) throws IOException {
        requireNonNull(address, "address is null");
        requireNonNull(provider, "provider is null");
        requireNonNull(peerInterval, "peerInterval is null");
        requireNonNull(peerTimeout, "peerTimeout is null");
        HttpServer server;
        try {
            server = HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new IOException("cannot listen for status requests on " + address + " (UI_PORT): " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        StatusServer status = new StatusServer(server, executor, provider,
                new PeerStatusPoller(provider, peerInterval, peerTimeout));
        server.setExecutor(executor);
        server.createContext("/", status::handle);
        server.start();
        log.info("status on http://{}:{}/status", server.getAddress().getHostString(), server.getAddress().getPort());
        return status;
    }

    /** Where it listens (the bound port when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            String json;
            boolean leader;
            try {
                json = path.startsWith("/status") ? StatusJson.write(report()) : null;
                leader = path.equals("/") && provider.local().isLeader();
            } catch (RuntimeException e) {
                // the provider failed: the client gets a 500 rather than a dropped connection
                log.warn("status - {} {} failed: {}", method, exchange.getRequestURI(), e.toString());
                respond(exchange, 500, "text/plain", "Internal Server Error");
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                respond(exchange, 405, "text/plain", "Method Not Allowed");
            } else if (path.equals("/status") || path.equals("/status/")) {
                respond(exchange, 200, "application/json", json);
            } else if (path.equals("/")) {
                respond(exchange, leader ? 200 : 500, "text/plain", leader ? "OK" : "Bad Request");
            } else {
                respond(exchange, 404, "text/plain", "Not Found");
            }
        }
    }

    /** The answer of {@code GET /status} now. */
    public StatusReport report() {
        LocalStatus local = provider.local();
        List<ClusterStatusEntry> cluster = new ArrayList<>();
        cluster.add(new ClusterStatusEntry(local.ip(), true, local.appliedIndex(), local.staticIp().orElse(false),
                local.osUptimeSeconds().orElse(0), local.leaderIp().orElse(null)));
        for (PeerEndpoint peer : provider.peers()) {
            PeerStatusPoller.Observation seen = peers.observation(peer);
            cluster.add(new ClusterStatusEntry(peer.ip(), seen.answered(),
                    seen.lastReport().map(StatusReport::sequenceNumber).orElse(0L),
                    peer.staticIp().orElse(false),
                    peer.osUptimeSeconds().orElse(seen.lastReport().map(r -> r.osUptime() == null ? 0 : r.osUptime()).orElse(0L)),
                    seen.lastReport().map(StatusReport::masterIP).orElse(null)));
        }
        long lag = Math.max(0, local.commitIndex() - local.appliedIndex());
        return new StatusReport(status(local, lag), local.appliedIndex(), local.leaderIp().orElse(null),
                StatusReport.IDLE, cluster, local.nodeId(), local.ip(), local.role(), local.term(),
                local.leaderId().orElse(null), local.appliedIndex(), local.commitIndex(), lag, local.engine(),
                local.divergence().orElse(null), local.failure().orElse(null),
                local.osUptimeSeconds().isPresent() ? local.osUptimeSeconds().getAsLong() : null,
                local.foreignData().orElse(null), local.installingSnapshot(), local.flowControl().orElse(null));
    }

    /** The original's status word: OK serving, SYNC catching up, INIT not serving. */
    static String status(LocalStatus local, long lag) {
        if (local.leaderId().isEmpty() || !local.engine().isUp() || local.divergence().isPresent()
                || local.failure().isPresent()) {
            return StatusReport.INIT;
        }
        return lag >= SYNC_LAG || local.installingSnapshot() ? StatusReport.SYNC : StatusReport.OK;
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        // FluxOS and browser dashboards read /status from other origins, as they did the original's
        exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        peers.close();
        server.stop(0);
        executor.shutdownNow();
    }
}

package io.fluxdb.api;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks every peer for its status in the background, as the original's health check did, so that a node's
 * {@code clusterStatus} shows each peer as the peer sees itself. A {@code /status} request never waits for a
 * peer: it reads what the last round brought.
 */
final class PeerStatusPoller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerStatusPoller.class);

    /** What the last request to one peer brought. */
    record Observation(boolean answered, Optional<StatusReport> lastReport) {
    }

    private final StatusProvider provider;
    private final StatusClient client;
    private final Map<URI, Observation> observations = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("fluxdb-peer-status").factory());
    private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();

    PeerStatusPoller(StatusProvider provider, Duration interval, Duration timeout) {
        this.provider = requireNonNull(provider, "provider is null");
        this.client = new StatusClient(timeout);
        timer.scheduleWithFixedDelay(this::pollAll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void pollAll() {
        List<PeerEndpoint> peers;
        try {
            peers = provider.peers();
        } catch (RuntimeException e) {
            log.warn("peer status - cannot list the peers: {}", e.toString());
            return;
        }
        observations.keySet().retainAll(peers.stream().map(PeerEndpoint::statusUrl).toList());
        List<Future<?>> round = peers.stream()
                .map(peer -> requests.submit(() -> poll(peer)))
                .collect(Collectors.toList());
        for (Future<?> request : round) {
            try {
                request.get();
            } catch (ExecutionException e) {
                log.warn("peer status - {}", e.getCause().toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void poll(PeerEndpoint peer) {
        Observation before = observation(peer);
        try {
            StatusReport report = client.fetch(peer.statusUrl());
            if (!before.answered()) {
                log.info("peer status - {} answers ({} {})", peer.statusUrl().getAuthority(), report.role(), report.status());
            }
            observations.put(peer.statusUrl(), new Observation(true, Optional.of(report)));
        } catch (IOException e) {
            if (before.answered()) {
                log.info("peer status - {} stopped answering: {}", peer.statusUrl().getAuthority(), e.getMessage());
            }
            observations.put(peer.statusUrl(), new Observation(false, before.lastReport()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the last request to the peer brought; not answered if none was made yet. */
    Observation observation(PeerEndpoint peer) {
        // by URL, not by IP: nodes on one machine (fluxdb dev) share an IP
        return observations.getOrDefault(peer.statusUrl(), new Observation(false, Optional.empty()));
    }

    @Override
    public void close() {
        timer.shutdownNow();
        requests.shutdownNow();
    }
}

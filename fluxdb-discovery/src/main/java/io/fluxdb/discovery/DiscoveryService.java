package io.fluxdb.discovery;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a {@link PeerSource} every {@code updateInterval} and keeps its last good answer: while the source fails or
 * answers garbage, {@link #peers()} stays what it was, so a flaky API never shrinks the cluster. A failure is
 * logged once when it starts (at WARN) and once when it ends (at INFO), not at every poll.
 */
public final class DiscoveryService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DiscoveryService.class);

    private final PeerSource source;
    private final Duration updateInterval;
    private final Object lock = new Object();
    private ScheduledExecutorService poller;
    private Optional<List<Peer>> lastGood = Optional.empty();
    private Optional<String> failure = Optional.empty();
    private int failedPolls;

    public DiscoveryService(PeerSource source, Duration updateInterval) {
        this.source = requireNonNull(source, "source is null");
        this.updateInterval = requireNonNull(updateInterval, "updateInterval is null");
        if (updateInterval.isNegative() || updateInterval.isZero()) {
            throw new IllegalArgumentException("updateInterval: " + updateInterval + " (expected: > 0)");
        }
    }

    /**
     * Looks the peers up now, on the calling thread.
     *
     * @return the last good answer: this one if the lookup succeeded, an earlier one otherwise, empty if the source
     *     never answered well
     */
    public Optional<List<Peer>> poll() {
        List<Peer> answer;
        try {
            answer = List.copyOf(source.lookup());
        } catch (DiscoveryException | RuntimeException e) {
            return failed(e);
        }
        synchronized (lock) {
            if (failure.isPresent()) {
                log.info("{} - discovery answers again after {} failed poll{}: {} node{}", source.describe(),
                        failedPolls, failedPolls == 1 ? "" : "s", answer.size(), answer.size() == 1 ? "" : "s");
            } else if (lastGood.isEmpty() || !lastGood.get().equals(answer)) {
                log.info("{} - nodes: {}", source.describe(), answer.stream().map(Peer::hostPort).toList());
            }
            failure = Optional.empty();
            failedPolls = 0;
            lastGood = Optional.of(answer);
            return lastGood;
        }
    }

    private Optional<List<Peer>> failed(Exception e) {
        synchronized (lock) {
            failedPolls++;
            String message = e.getMessage();
            if (failure.isEmpty()) {
                log.warn("{} - discovery failing: {}; {} (logged once until it answers again)", source.describe(),
                        message, lastGood.map(p -> "keeping the last good answer (" + p.size() + " node"
                                + (p.size() == 1 ? "" : "s") + ")").orElse("no earlier answer to keep"));
            } else {
                log.debug("{} - discovery still failing ({} polls): {}", source.describe(), failedPolls, message);
            }
            failure = Optional.of(message == null ? e.getClass().getName() : message);
            return lastGood;
        }
    }

    /**
     * Polls every {@code updateInterval} in the background, the first time now, and hands every good answer to
     * {@code listener} (on the polling thread).
     */
    public void start(Consumer<List<Peer>> listener) {
        requireNonNull(listener, "listener is null");
        synchronized (lock) {
            if (poller != null) throw new IllegalStateException("already started");
            poller = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("fluxdb-discovery").factory());
            poller.scheduleWithFixedDelay(() -> {
                Optional<List<Peer>> peers = poll();
                if (failure().isEmpty() && peers.isPresent()) {
                    try {
                        listener.accept(peers.get());
                    } catch (RuntimeException e) {
                        // a failing listener must not end the polling: the next answer gets its chance
                        log.warn("{} - handling the discovered nodes failed: {}", source.describe(), e.toString());
                    }
                }
            }, 0, updateInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The last good answer, empty if the source never answered well. */
    public Optional<List<Peer>> peers() {
        synchronized (lock) {
            return lastGood;
        }
    }

    /** Why the last poll failed, empty if it succeeded (or none ran yet). */
    public Optional<String> failure() {
        synchronized (lock) {
            return failure;
        }
    }

    public PeerSource source() {
        return source;
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (poller != null) {
                poller.shutdownNow();
            }
        }
    }
}

package io.fluxdb.server.node;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.spi.Engine;
import io.fluxdb.engine.spi.EngineConfig;
import io.fluxdb.engine.spi.Engines;
import io.fluxdb.server.config.HostPort;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the engine, waiting for it first: on Flux the engine's container starts together with the operator's, and
 * a first MySQL boot takes minutes before it accepts connections. Until {@code ENGINE_WAIT} has passed, the
 * operator probes the engine's port every second until it greets as a MySQL server, saying every few seconds what
 * it is waiting for; then it gives up with an error that says why. An engine that greets but cannot be used (wrong
 * password, refused settings) is tried {@link #START_ATTEMPTS} times, a few seconds apart, not for the whole wait:
 * MySQL and MariaDB images accept TCP connections only once their first boot is done, so such an error is meant.
 */
final class EngineStarter {
    private static final Logger log = LoggerFactory.getLogger(EngineStarter.class);
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);
    static final Duration START_RETRY_INTERVAL = Duration.ofSeconds(3);
    static final int START_ATTEMPTS = 3;
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);
    private static final int PROBE_TIMEOUT_MILLIS = 1000;
    /** The first payload byte of a HandshakeV10 greeting: the protocol version. */
    private static final int PROTOCOL_VERSION_10 = 10;

    private EngineStarter() {}

    /**
     * Loads and starts the engine, waiting at most {@code wait} for it.
     *
     * @param probe whether to wait for the port first (not for an engine the operator starts itself)
     * @throws IllegalStateException with the last reason, once {@code wait} has passed, or the engine's own error
     *     once it greets but fails to start {@link #START_ATTEMPTS} times
     */
    static Engine start(String name, EngineConfig config, HostPort endpoint, Duration wait, boolean probe)
            throws InterruptedException {
        requireNonNull(wait, "wait is null");
        long started = System.nanoTime();
        long deadline = started + wait.toNanos();
        long nextProgress = started + PROGRESS_INTERVAL.toNanos();
        String reason;
        int failedStarts = 0;
        while (true) {
            reason = probe ? greeting(endpoint) : null;
            if (reason == null) {
                Engine engine = Engines.load(name, config);
                try {
                    engine.start();
                    if (System.nanoTime() - started > PROGRESS_INTERVAL.toNanos()) {
                        log.info("engine at {} is ready after {}s", endpoint, elapsed(started));
                    }
                    return engine;
                } catch (RuntimeException e) {
                    closeQuietly(engine, e);
                    reason = e.getMessage();
                    if (!probe || ++failedStarts >= START_ATTEMPTS || System.nanoTime() >= deadline) {
                        throw e;
                    }
                    log.warn("engine at {} greets but cannot be used yet (try {} of {}): {}", endpoint, failedStarts,
                            START_ATTEMPTS, reason);
                }
            }
            long now = System.nanoTime();
            if (now >= deadline) {
                throw new IllegalStateException("the engine at " + endpoint + " is not reachable: " + reason + waited(wait));
            }
            if (now >= nextProgress) {
                log.info("waiting for the engine at {}: {} ({}s of ENGINE_WAIT={}s passed)", endpoint, reason,
                        elapsed(started), wait.toSeconds());
                nextProgress = now + PROGRESS_INTERVAL.toNanos();
            }
            Duration pause = failedStarts > 0 ? START_RETRY_INTERVAL : PROBE_INTERVAL;
            Thread.sleep(Math.max(1, Math.min(pause.toMillis(), (deadline - now) / 1_000_000)));
        }
    }

    private static String waited(Duration wait) {
        return wait.isZero() ? " (ENGINE_WAIT=0: no wait)" : " (waited ENGINE_WAIT=" + wait.toSeconds() + "s; set ENGINE_WAIT to wait longer)";
    }

    /**
     * Null when the endpoint greets as a MySQL server, else why not: unresolvable, refused, silent, or an error
     * packet in place of the greeting (too many connections, host blocked).
     */
    static String greeting(HostPort endpoint) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), PROBE_TIMEOUT_MILLIS);
            socket.setSoTimeout(PROBE_TIMEOUT_MILLIS);
            InputStream in = socket.getInputStream();
            byte[] header = in.readNBytes(5); // 3-byte length, sequence id, first payload byte
            if (header.length < 5) return "it closed the connection without a greeting";
            int first = header[4] & 0xFF;
            if (first == PROTOCOL_VERSION_10) return null;
            return first == 0xFF ? "it answered with an error instead of a greeting" : "it does not greet as a MySQL server";
        } catch (UnknownHostException e) {
            return "unknown host " + endpoint.host();
        } catch (IOException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    private static long elapsed(long started) {
        return (System.nanoTime() - started) / 1_000_000_000;
    }

    private static void closeQuietly(Engine engine, Exception cause) {
        try {
            engine.close();
        } catch (Exception e) {
            cause.addSuppressed(e);
        }
    }
}

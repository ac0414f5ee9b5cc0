package io.fluxdb.replication.security;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs connections a port of the cluster (the Raft port, the internal API) refused: one WARN line each, no stack trace, and at most one line per kind of
 * refusal per window, so that a stranger knocking in a loop cannot flood the log. Lines that were held back are
 * counted in the next line of their kind. Thread-safe.
 */
public final class RefusalLog {
    private static final Logger log = LoggerFactory.getLogger(RefusalLog.class);

    /** Why a connection was refused. */
    public enum Kind {
        /** The peer's certificate was not issued by this cluster's CA (a stranger, or another secret). */
        UNTRUSTED_CERTIFICATE,
        /** The connection ended before mutual TLS completed: no certificate, or not TLS at all. */
        NO_MUTUAL_TLS
    }

    private final String port;
    private final Duration window;
    private final LongSupplier nanoClock;
    private final Map<Kind, long[]> lastAndHeldBack = new EnumMap<>(Kind.class);

    public RefusalLog(Duration window, LongSupplier nanoClock) {
        this("raft port", window, nanoClock);
    }

    /**
     * @param port names the port in every line, e.g. {@code internal API}
     */
    public RefusalLog(String port, Duration window, LongSupplier nanoClock) {
        this.port = requireNonNull(port, "port is null");
        this.window = requireNonNull(window, "window is null");
        this.nanoClock = requireNonNull(nanoClock, "nanoClock is null");
    }

    /** A log with a 10-second window on the system clock. */
    public static RefusalLog standard() {
        return standard("raft port");
    }

    /** A log for {@code port} with a 10-second window on the system clock. */
    public static RefusalLog standard(String port) {
        return new RefusalLog(port, Duration.ofSeconds(10), System::nanoTime);
    }

    /**
     * Records a refusal; logs it unless a refusal of the same kind was logged within the window.
     *
     * @return whether a line was written
     */
    public boolean refused(Kind kind, String detail) {
        requireNonNull(kind, "kind is null");
        requireNonNull(detail, "detail is null");
        long heldBack;
        synchronized (lastAndHeldBack) {
            long now = nanoClock.getAsLong();
            long[] state = lastAndHeldBack.get(kind);
            if (state != null && now - state[0] < window.toNanos()) {
                state[1]++;
                return false;
            }
            heldBack = state == null ? 0 : state[1];
            lastAndHeldBack.put(kind, new long[] {now, 0});
        }
        log.warn("{} - refused a connection ({}): {}{}", port, kind, oneLine(detail),
                heldBack == 0 ? "" : " (" + heldBack + " more of this kind not logged)");
        return true;
    }

    private static String oneLine(String text) {
        int newline = text.indexOf('\n');
        String line = newline < 0 ? text : text.substring(0, newline);
        return line.length() <= 300 ? line : line.substring(0, 300) + "...";
    }
}

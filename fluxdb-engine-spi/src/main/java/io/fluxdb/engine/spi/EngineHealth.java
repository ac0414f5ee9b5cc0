package io.fluxdb.engine.spi;

import static java.util.Objects.requireNonNull;

/**
 * The result of a health check.
 *
 * @param status whether the engine can serve
 * @param detail a short human-readable explanation, empty when there is nothing to add
 */
public record EngineHealth(Status status, String detail) {

    /** How usable the engine is. */
    public enum Status {
        /** Answers queries. */
        UP,
        /** Answers, but something needs attention (e.g. a connection pool is exhausted). */
        DEGRADED,
        /** Does not answer. */
        DOWN
    }

    public EngineHealth {
        requireNonNull(status, "status is null");
        requireNonNull(detail, "detail is null");
    }

    public static EngineHealth up() {
        return new EngineHealth(Status.UP, "");
    }

    public static EngineHealth down(String detail) {
        return new EngineHealth(Status.DOWN, detail);
    }
}

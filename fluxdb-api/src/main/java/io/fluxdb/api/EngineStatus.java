package io.fluxdb.api;

import static java.util.Objects.requireNonNull;

/**
 * The engine's health in a status answer.
 *
 * @param status {@code UP}, {@code DEGRADED} or {@code DOWN}
 * @param detail why, when there is something to say; empty otherwise
 */
public record EngineStatus(String status, String detail) {

    public EngineStatus {
        requireNonNull(status, "status is null");
        requireNonNull(detail, "detail is null");
    }

    public boolean isUp() {
        return !status.equals("DOWN");
    }
}

package io.fluxdb.server.config;

import static java.util.Objects.requireNonNull;

/**
 * A password or shared key. Its {@code toString()} never shows the value, so records that
 * hold one can be logged and printed as they are.
 */
public record Secret(String value) {
    public Secret {
        requireNonNull(value, "value is null");
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public String toString() {
        return value.isEmpty() ? "(empty)" : "(hidden)";
    }
}

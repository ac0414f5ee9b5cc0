package io.fluxdb.server.config;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a read on this node may miss of the cluster's writes. */
public enum Consistency {
    /** A client reads its own writes (the node waits until they are applied); others' may lag. */
    SESSION,
    /** Reads are answered by the local engine at once and may lag behind the leader. */
    EVENTUAL,
    /** Every read sees every write acknowledged before it started (a Raft read index). */
    STRONG;

    public static Consistency parse(String text) {
        requireNonNull(text, "text is null");
        for (Consistency value : values()) {
            if (value.name().equalsIgnoreCase(text.strip())) return value;
        }
        throw new IllegalArgumentException("'" + text + "' is not one of " + names());
    }

    static String names() {
        return Arrays.stream(values()).map(v -> v.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}

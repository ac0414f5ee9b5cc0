package io.fluxdb.server.node;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;

/**
 * What the clients of a test were told about each write, by the write's unique token: an OK, a definite error, or
 * nothing (the connection was lost), in which case the write may or may not have happened.
 */
final class WriteLedger {

    enum Outcome {
        /** The client got an OK: the write must be on every node. */
        OK,
        /** The client got an error that says the write did not happen: it must be on no node. */
        REFUSED,
        /** The connection ended without an answer: on every node or on none. */
        UNKNOWN
    }

    /** A step of a side table's life ({@code create}, {@code insert}, {@code alter}, {@code drop}). */
    record SideStep(String table, String step, Outcome outcome) {
    }

    private final ConcurrentMap<String, Outcome> rows = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Outcome> updates = new ConcurrentHashMap<>();
    private final List<SideStep> side = new ArrayList<>();

    /** A write that inserts rows carrying {@code token}. */
    void row(String token, Outcome outcome) {
        record(rows, token, outcome);
    }

    /** A write that marks a row as updated by {@code token}. */
    void update(String token, Outcome outcome) {
        record(updates, token, outcome);
    }

    synchronized void side(String table, String step, Outcome outcome) {
        side.add(new SideStep(table, step, outcome));
    }

    Set<String> rows(Outcome outcome) {
        return select(rows, outcome);
    }

    Set<String> updates(Outcome outcome) {
        return select(updates, outcome);
    }

    synchronized List<SideStep> side() {
        return List.copyOf(side);
    }

    /** How many writes of each outcome, for the test's report. */
    synchronized String summary() {
        Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
        rows.values().forEach(o -> counts.merge(o, 1L, Long::sum));
        updates.values().forEach(o -> counts.merge(o, 1L, Long::sum));
        side.forEach(d -> counts.merge(d.outcome(), 1L, Long::sum));
        return "writes: " + counts + " (" + rows.size() + " inserts, " + updates.size() + " updates, " + side.size()
                + " side-table steps)";
    }

    private static void record(ConcurrentMap<String, Outcome> map, String token, Outcome outcome) {
        if (map.putIfAbsent(token, outcome) != null) {
            throw new IllegalStateException("token used twice: " + token);
        }
    }

    private static Set<String> select(Map<String, Outcome> map, Outcome outcome) {
        return map.entrySet().stream().filter(e -> e.getValue() == outcome).map(Map.Entry::getKey)
                .collect(Collectors.toUnmodifiableSet());
    }
}

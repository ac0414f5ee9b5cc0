package io.fluxdb.engine.mysql.apply;

import java.util.TreeSet;

/**
 * The highest log index up to which every index is applied, kept in memory and fed by commits that may arrive out of
 * order (a leader records its own entries as their transactions finish). Indexes above the watermark wait in a set
 * until the gap below them closes; the set holds only the entries in flight, so it stays small. Thread-safe.
 */
final class Watermark {
    private final TreeSet<Long> above = new TreeSet<>();
    private volatile long value;

    /** Starts over from what the engine holds: every index up to {@code floor}, plus {@code recorded}. */
    synchronized void reset(long floor, Iterable<Long> recorded) {
        above.clear();
        value = floor;
        for (long idx : recorded) {
            add(idx);
        }
    }

    /** Records that {@code idx} is applied, and returns the watermark after it. */
    synchronized long add(long idx) {
        long v = value;
        if (idx <= v) {
            return v;
        }
        above.add(idx);
        while (!above.isEmpty() && above.first() == v + 1) {
            above.pollFirst();
            v++;
        }
        value = v;
        return v;
    }

    /**
     * Records that every index up to {@code idx} is applied, including indexes that will never be {@link #add}ed
     * (they had nothing for this engine), and returns the watermark after it.
     */
    synchronized long raiseTo(long idx) {
        long v = Math.max(value, idx);
        above.headSet(v, true).clear();
        while (!above.isEmpty() && above.first() == v + 1) {
            above.pollFirst();
            v++;
        }
        value = v;
        return v;
    }

    /** The highest index recorded, at or above the watermark. */
    synchronized long highest() {
        return above.isEmpty() ? value : Math.max(value, above.last());
    }

    /** Every index up to this one is applied. */
    long value() {
        return value;
    }

    /** How many applied indexes wait above the watermark for a gap to close. */
    synchronized int pending() {
        return above.size();
    }
}

package io.fluxdb.engine.mysql.frontend;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Connections still logging in, per client address. Before authentication a client costs the
 * operator a socket, a buffer and a login timer while proving nothing: one address may hold at
 * most {@code maxPerAddress} of them, so a single host cannot fill the connection limit with
 * handshakes it never finishes. Thread-safe.
 */
final class PendingLogins {
    private final int maxPerAddress;
    private final ConcurrentMap<InetAddress, Integer> counts = new ConcurrentHashMap<>();

    PendingLogins(int maxPerAddress) {
        if (maxPerAddress < 1) {
            throw new IllegalArgumentException("maxPerAddress: " + maxPerAddress + " (expected: >= 1)");
        }
        this.maxPerAddress = maxPerAddress;
    }

    /** Counts a login from {@code address} in; false when that address is at its limit. */
    boolean tryAcquire(InetAddress address) {
        requireNonNull(address, "address is null");
        boolean[] taken = {false};
        counts.compute(address, (a, n) -> {
            int current = n == null ? 0 : n;
            if (current >= maxPerAddress) {
                return n;
            }
            taken[0] = true;
            return current + 1;
        });
        return taken[0];
    }

    /** Ends a login counted by {@link #tryAcquire}, whether it succeeded or not. */
    void release(InetAddress address) {
        counts.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }

    int maxPerAddress() {
        return maxPerAddress;
    }

    /** Addresses with a login in progress (for tests and metrics). */
    int addresses() {
        return counts.size();
    }
}

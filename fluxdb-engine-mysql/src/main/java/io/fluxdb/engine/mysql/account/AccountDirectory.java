package io.fluxdb.engine.mysql.account;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The engine's accounts, as the operator authenticates clients against them. Accounts are loaded
 * from the engine and cached; the cache is refreshed when it is older than {@code maxAge}, when
 * the operator has run a statement that changes accounts ({@link #invalidate()}), and once when a
 * client names a user that is not known (an account may have been created directly on the engine).
 */
public final class AccountDirectory {
    private final Callable<List<Account>> loader;
    private final Duration maxAge;
    private final Clock clock;

    private volatile Snapshot snapshot;

    private record Snapshot(List<Account> accounts, Instant loadedAt) {}

    public AccountDirectory(Callable<List<Account>> loader, Duration maxAge, Clock clock) {
        this.loader = requireNonNull(loader, "loader is null");
        this.maxAge = requireNonNull(maxAge, "maxAge is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * The account the engine would use for {@code user} connecting from {@code address}: the first
     * account in server order whose host pattern matches and whose user is {@code user} or anonymous.
     */
    public Optional<Account> find(String user, InetAddress address, String hostName) throws Exception {
        requireNonNull(user, "user is null");
        requireNonNull(address, "address is null");
        Optional<Account> found = match(current(), user, address, hostName);
        if (found.isEmpty() || found.get().user().isEmpty()) {
            // Unknown user: reload once, the account may have been created since the last load.
            found = match(reload(), user, address, hostName);
        }
        return found;
    }

    /** Forgets the cached accounts; the next lookup reloads them. */
    public void invalidate() {
        snapshot = null;
    }

    /** Every account, loaded if needed (for diagnostics and the management API). */
    public List<Account> accounts() throws Exception {
        return current();
    }

    private static Optional<Account> match(List<Account> accounts, String user, InetAddress address, String hostName) {
        return accounts.stream()
                .filter(a -> a.user().equals(user) || a.user().isEmpty())
                .filter(a -> a.host().matches(address, hostName))
                .findFirst();
    }

    private List<Account> current() throws Exception {
        Snapshot s = snapshot;
        if (isFresh(s)) {
            return s.accounts();
        }
        synchronized (this) {
            // Logins that waited here while another thread loaded use its result: one load, not one per login.
            s = snapshot;
            return isFresh(s) ? s.accounts() : reload();
        }
    }

    private boolean isFresh(Snapshot s) {
        return s != null && !s.loadedAt().plus(maxAge).isBefore(clock.instant());
    }

    private synchronized List<Account> reload() throws Exception {
        List<Account> sorted = loader.call().stream().sorted(Account.MATCH_ORDER).toList();
        snapshot = new Snapshot(sorted, clock.instant());
        return sorted;
    }
}

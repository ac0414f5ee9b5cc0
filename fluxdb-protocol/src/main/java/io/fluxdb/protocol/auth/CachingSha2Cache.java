package io.fluxdb.protocol.auth;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's caching_sha2_password cache: per account, SHA256(SHA256(pw)) for the fast path
 * and the backend credential the full authentication produced (the fast path proves the
 * password but does not reveal it, so the operator must remember how to log in to the engine).
 * Filled after a successful full authentication. An entry belongs to one stored hash, so a
 * password change (a new {@code authentication_string}) makes it unreachable. Bounded; the
 * least recently used entry goes first. Thread-safe.
 */
public final class CachingSha2Cache {
    /** A cached account. */
    record Entry(byte[] cacheDigest, Credential backendCredential) {
        @Override
        public String toString() {
            return "Entry[***]";
        }
    }

    private final int maxEntries;
    private final Map<String, Entry> entries;

    /** @param maxEntries how many accounts to remember, at least 1 */
    public CachingSha2Cache(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries: " + maxEntries + " (expected: >= 1)");
        }
        this.maxEntries = maxEntries;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CachingSha2Cache.Entry> eldest) {
                return size() > CachingSha2Cache.this.maxEntries;
            }
        };
    }

    synchronized void put(StoredAccount account, byte[] cacheDigest, Credential backendCredential) {
        requireNonNull(cacheDigest, "cacheDigest is null");
        requireNonNull(backendCredential, "backendCredential is null");
        entries.put(key(account), new Entry(cacheDigest.clone(), backendCredential));
    }

    synchronized Optional<Entry> get(StoredAccount account) {
        return Optional.ofNullable(entries.get(key(account)));
    }

    /** Forgets every entry of {@code user}, e.g. after ALTER USER or DROP USER. */
    public synchronized void invalidate(String user) {
        requireNonNull(user, "user is null");
        String prefix = user + "\0";
        entries.keySet().removeIf(k -> k.startsWith(prefix));
    }

    /** Forgets everything, e.g. after FLUSH PRIVILEGES. */
    public synchronized void clear() {
        entries.clear();
    }

    public synchronized int size() {
        return entries.size();
    }

    /** True if {@code response} answers {@code scramble} for the cached entry of {@code account}. */
    Optional<Credential> fastAuthenticate(StoredAccount account, byte[] response, byte[] scramble) {
        return get(account)
                .filter(e -> CachingSha2Password.verifyFast(response, scramble, e.cacheDigest()))
                .map(Entry::backendCredential);
    }

    private static String key(StoredAccount account) {
        requireNonNull(account, "account is null");
        // The stored hash is part of the key so that a changed password never hits an old entry.
        return account.user() + "\0" + hex(account.authenticationString());
    }

    private static String hex(String s) {
        return java.util.HexFormat.of().formatHex(NativePassword.sha1(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Override
    public String toString() {
        return "CachingSha2Cache[size=" + size() + ", maxEntries=" + maxEntries + "]";
    }

}

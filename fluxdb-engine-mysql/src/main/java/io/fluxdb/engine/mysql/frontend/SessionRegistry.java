package io.fluxdb.engine.mysql.frontend;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The operator's client sessions by the connection id it gave them in the handshake. Clients see
 * these ids (HandshakeV10, {@code KILL n}); engine thread ids never leak, since a pinned backend
 * connection outlives its session in the pool.
 *
 * <p>It also enforces the connection limit: {@link #tryRegister} refuses once {@code maxSessions}
 * are open, so the refusal happens before any authentication work.
 */
public final class SessionRegistry {
    private final int maxSessions;
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentMap<Long, ClientSession> sessions = new ConcurrentHashMap<>();

    public SessionRegistry(int maxSessions) {
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions: " + maxSessions + " (expected: >= 1)");
        }
        this.maxSessions = maxSessions;
    }

    /** A new connection id, unsigned 32-bit, never 0 (0 means "none" to some clients). */
    public long nextConnectionId() {
        long id = Integer.toUnsignedLong(nextId.getAndIncrement());
        return id == 0 ? nextConnectionId() : id;
    }

    /** Counts a new connection in; false when the limit is reached (the caller refuses it). */
    public boolean tryAcquireSlot() {
        while (true) {
            int n = open.get();
            if (n >= maxSessions) {
                return false;
            }
            if (open.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Gives back a slot taken by {@link #tryAcquireSlot}. */
    public void releaseSlot() {
        open.decrementAndGet();
    }

    public void register(ClientSession session) {
        requireNonNull(session, "session is null");
        sessions.put(session.connectionId(), session);
    }

    public void unregister(ClientSession session) {
        sessions.remove(session.connectionId(), session);
    }

    public Optional<ClientSession> find(long connectionId) {
        return Optional.ofNullable(sessions.get(connectionId));
    }

    public Collection<ClientSession> sessions() {
        return sessions.values();
    }

    /** Connections counted in, including those still authenticating. */
    public int openConnections() {
        return open.get();
    }

    public int maxSessions() {
        return maxSessions;
    }
}

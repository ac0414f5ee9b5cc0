package io.fluxdb.engine.mysql.frontend;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The operator's client sessions by the connection id it gave them in the handshake (HandshakeV10,
 * which drivers use for {@code KILL QUERY} on cancel). Clients also see engine thread ids: in
 * {@code SELECT CONNECTION_ID()} and in {@code SHOW PROCESSLIST}, which the engine answers. So the
 * operator's ids start at {@value #FIRST_CONNECTION_ID}, far above any thread id an engine hands
 * out in practice (one per connection since it started), and a number names either an operator
 * session or an engine thread, never both: {@code KILL} accepts both ({@link #findByEngineThread}).
 *
 * <p>It also enforces the connection limit: {@link #tryRegister} refuses once {@code maxSessions}
 * are open, so the refusal happens before any authentication work.
 */
public final class SessionRegistry {
    private final int maxSessions;
    /** 2^30: the first operator connection id; ids stay below 2^31, so clients that read them signed agree. */
    public static final long FIRST_CONNECTION_ID = 1L << 30;
    private static final long LAST_CONNECTION_ID = (1L << 31) - 1;

    private final AtomicLong nextId = new AtomicLong(FIRST_CONNECTION_ID);
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentMap<Long, ClientSession> sessions = new ConcurrentHashMap<>();

    public SessionRegistry(int maxSessions) {
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions: " + maxSessions + " (expected: >= 1)");
        }
        this.maxSessions = maxSessions;
    }

    /** A new connection id, from {@value #FIRST_CONNECTION_ID} to 2^31 - 1, then from the start again. */
    public long nextConnectionId() {
        return nextId.getAndUpdate(id -> id == LAST_CONNECTION_ID ? FIRST_CONNECTION_ID : id + 1);
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

    /** The session whose pinned engine connection is engine thread {@code threadId}, if any. */
    public Optional<ClientSession> findByEngineThread(long threadId) {
        return sessions.values().stream().filter(s -> s.backendThreadId() == threadId).findFirst();
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

package io.fluxdb.engine.mysql.backend;

import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.auth.Credential;
import io.fluxdb.protocol.constant.CommandType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backend connections, pooled per {@link BackendKey}. A client session borrows one for its whole
 * life; on return the connection is reset with COM_RESET_CONNECTION (which drops the session's
 * variables, temporary tables, prepared statements, locks and open transaction) before another
 * session of the same user may have it. Connections idle past {@code maxIdle} are closed, those
 * idle past {@code validateAfter} are pinged before reuse, those logged in with a database select it
 * again before reuse, and the total is bounded. New logins to the engine run at most
 * {@code maxLoginsInFlight} at a time (see {@link LoginGate}).
 *
 * <p>Idle connections never lock clients out of the engine. The bound ({@code maxTotal}) is set below
 * the engine's {@code max_connections}; a login that needs room when the pool is at its bound closes
 * the connection idle the longest, whatever its key; and an engine that answers a login with 1040
 * (too many connections: someone else took them) gets one idle connection back and the login one more
 * try. Connections are shared across character sets where the engine allows it ({@link CharsetSwitch}),
 * so the keys are few: a user, the capabilities that change the framing, and a database.
 */
public final class BackendPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BackendPool.class);
    private static final byte[] COM_PING = {(byte) CommandType.COM_PING};
    private static final byte[] COM_RESET_CONNECTION = {(byte) CommandType.COM_RESET_CONNECTION};
    /** Every account may select information_schema. */
    private static final byte[] PARKED = initDb("information_schema");
    private static final int TOO_MANY_CONNECTIONS = 1040;
    /** Logins tried again after the engine answered 1040, and the wait before the first (doubled each time). */
    private static final int FULL_ENGINE_RETRIES = 5;
    private static final Duration FULL_ENGINE_FIRST_DELAY = Duration.ofMillis(20);
    /** The collation of a pool key whose connections take any switchable collation. */
    private static final int SHARED_COLLATION = -1;

    private final BackendConnector connector;
    private final int maxTotal;
    private final int maxIdlePerKey;
    private final long maxIdleNanos;
    private final long validateAfterNanos;
    private final Map<BackendKey, Deque<BackendConnection>> idle = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final LoginGate logins;
    private final CharsetSwitch charsets;
    private volatile boolean closed;

    public BackendPool(BackendConnector connector, int maxTotal, int maxIdlePerKey, Duration maxIdle, Duration validateAfter,
            int maxLoginsInFlight) {
        this(connector, maxTotal, maxIdlePerKey, maxIdle, validateAfter, maxLoginsInFlight, CharsetSwitch.NONE);
    }

    /** @param charsets how a reused connection takes a client's character set; {@link CharsetSwitch#NONE} keys by it */
    public BackendPool(BackendConnector connector, int maxTotal, int maxIdlePerKey, Duration maxIdle, Duration validateAfter,
            int maxLoginsInFlight, CharsetSwitch charsets) {
        this.connector = requireNonNull(connector, "connector is null");
        this.charsets = requireNonNull(charsets, "charsets is null");
        if (maxTotal < 1) {
            throw new IllegalArgumentException("maxTotal: " + maxTotal + " (expected: >= 1)");
        }
        if (maxIdlePerKey < 0) {
            throw new IllegalArgumentException("maxIdlePerKey: " + maxIdlePerKey + " (expected: >= 0)");
        }
        this.maxTotal = maxTotal;
        this.maxIdlePerKey = maxIdlePerKey;
        this.maxIdleNanos = requireNonNull(maxIdle, "maxIdle is null").toNanos();
        this.validateAfterNanos = requireNonNull(validateAfter, "validateAfter is null").toNanos();
        this.logins = new LoginGate(maxLoginsInFlight);
    }

    /** A connection for {@code key}: an idle one that still answers, or a new login with {@code credential}. */
    public CompletableFuture<BackendConnection> borrow(BackendKey key, Credential credential, EventLoop eventLoop) {
        requireNonNull(key, "key is null");
        requireNonNull(credential, "credential is null");
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("backend pool is closed"));
        }
        Deque<BackendConnection> queue = idle.get(poolKey(key));
        BackendConnection candidate;
        while (queue != null && (candidate = takeIdle(queue, eventLoop)) != null) {
            long idleNanos = System.nanoTime() - candidate.idleSinceNanos();
            if (!candidate.isUsable() || idleNanos > maxIdleNanos) {
                discard(candidate);
                continue;
            }
            BackendConnection taken = candidate;
            return reuse(taken, key, idleNanos).thenCompose(ready -> {
                if (ready) {
                    return CompletableFuture.completedFuture(taken);
                }
                discard(taken);
                return borrow(key, credential, eventLoop);
            });
        }
        return login(key, credential, eventLoop, FULL_ENGINE_RETRIES);
    }

    /**
     * Readies an idle connection for {@code key}; completes with false if it failed (the caller discards it). A
     * connection logged in with a database selects it again before reuse: the database may have been dropped or
     * recreated with another character set since (the engine caches @@collation_database per connection), and a new
     * login would see it as it is now. That round trip proves the connection alive, so it replaces the ping.
     */
    private CompletableFuture<Boolean> reuse(BackendConnection candidate, BackendKey key, long idleNanos) {
        CompletableFuture<Boolean> alive;
        if (idleNanos < validateAfterNanos && key.database().isEmpty()) {
            alive = CompletableFuture.completedFuture(true);
        } else {
            byte[] check = key.database().isEmpty() ? COM_PING : initDb(key.database());
            alive = candidate.simpleCommand(check).handle(BackendPool::isOk);
        }
        if (candidate.collation() == key.collation()) {
            return alive;
        }
        byte[] setNames = charsets.to(key.collation()).orElseThrow();
        return alive.thenCompose(ok -> !ok ? CompletableFuture.completedFuture(false)
                : candidate.simpleCommand(setNames).handle(BackendPool::isOk).thenApply(switched -> {
                    if (switched) {
                        candidate.collation(key.collation());
                    }
                    return switched;
                }));
    }

    /**
     * A new login, after making room if the pool is at its bound. If the engine itself is full (1040), an idle pooled
     * connection is closed and the login tried again, a few times, a little later each time: the engine frees the
     * slot only once it has seen the connection close. Without an idle connection to give back, the 1040 stands.
     */
    private CompletableFuture<BackendConnection> login(BackendKey key, Credential credential, EventLoop eventLoop,
            int retriesLeft) {
        if (!reserve()) {
            return CompletableFuture.failedFuture(new BackendLoginException(TOO_MANY_CONNECTIONS, "08004",
                    "Too many connections (the operator's engine connections are all in use, at their limit of " + maxTotal + ")"));
        }
        CompletableFuture<BackendConnection> attempt = logins.submit(() -> connector.connect(key, credential, eventLoop));
        return attempt.handle((c, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(c);
            }
            total.decrementAndGet();
            Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
            boolean full = cause instanceof BackendLoginException e && e.errorCode() == TOO_MANY_CONNECTIONS;
            if (full && retriesLeft > 0) {
                boolean evicted = evictOldestIdle();
                if (evicted || retriesLeft < FULL_ENGINE_RETRIES) {
                    if (evicted) {
                        log.info("engine refused a login with 1040 (too many connections): closed an idle pooled "
                                + "connection; trying again");
                    }
                    long delayMillis = FULL_ENGINE_FIRST_DELAY.toMillis() << (FULL_ENGINE_RETRIES - retriesLeft);
                    CompletableFuture<Void> waited = new CompletableFuture<>();
                    eventLoop.schedule(() -> waited.complete(null), delayMillis, TimeUnit.MILLISECONDS);
                    return waited.thenCompose(v -> login(key, credential, eventLoop, retriesLeft - 1));
                }
            }
            return CompletableFuture.<BackendConnection>failedFuture(cause);
        }).thenCompose(f -> f);
    }

    /** Counts a new connection in, closing idle ones to make room; false if every connection is in use. */
    private boolean reserve() {
        while (true) {
            int n = total.get();
            if (n < maxTotal) {
                if (total.compareAndSet(n, n + 1)) {
                    return true;
                }
            } else if (!evictOldestIdle()) {
                return false;
            }
        }
    }

    /** Closes the connection idle the longest, of any key; false if none is idle. */
    private boolean evictOldestIdle() {
        while (true) {
            Deque<BackendConnection> oldestQueue = null;
            BackendConnection oldest = null;
            for (Deque<BackendConnection> queue : idle.values()) {
                BackendConnection last = queue.peekLast();
                if (last != null && (oldest == null || last.idleSinceNanos() - oldest.idleSinceNanos() < 0)) {
                    oldest = last;
                    oldestQueue = queue;
                }
            }
            if (oldest == null) {
                return false;
            }
            if (oldestQueue.removeLastOccurrence(oldest)) {
                discard(oldest);
                return true;
            }
            // Taken by a borrower meanwhile: look again.
        }
    }

    /** Where connections for {@code key} wait: without the collation when a SET NAMES can give them any. */
    private BackendKey poolKey(BackendKey key) {
        return charsets.switchable(key.collation())
                ? new BackendKey(key.user(), key.capabilities(), SHARED_COLLATION, key.database()) : key;
    }

    /**
     * An idle connection served by {@code eventLoop}, else (only when the pool cannot open another)
     * any idle one. A session whose engine connection runs on another event loop hands every command
     * and every response packet across threads: a wake-up per packet, which on a busy machine costs
     * more than the login that a new connection on the session's own loop needs once.
     */
    private BackendConnection takeIdle(Deque<BackendConnection> queue, EventLoop eventLoop) {
        for (BackendConnection c : queue) {
            if (c.channel().eventLoop() == eventLoop && queue.removeFirstOccurrence(c)) {
                return c;
            }
        }
        return total.get() >= maxTotal ? queue.pollFirst() : null;
    }

    /** Takes back a connection whose session ended: resets it, then keeps it for reuse or closes it. */
    public void release(BackendConnection connection) {
        requireNonNull(connection, "connection is null");
        if (closed || !connection.isUsable()) {
            discard(connection);
            return;
        }
        CompletableFuture<Boolean> reset = connection.simpleCommand(COM_RESET_CONNECTION).handle(BackendPool::isOk);
        if (!connection.key().database().isEmpty()) {
            // Park the connection outside its database. The engine skips a COM_INIT_DB of the database
            // already selected, so only a real change on reuse (see borrow) reloads its character set.
            reset = reset.thenCompose(ok -> ok ? connection.simpleCommand(PARKED).handle(BackendPool::isOk)
                    : CompletableFuture.completedFuture(false));
        }
        reset.thenAccept(ok -> {
            // COM_RESET_CONNECTION gave the session back the login's character set.
            connection.collation(connection.key().collation());
            Deque<BackendConnection> queue = idle.computeIfAbsent(poolKey(connection.key()), k -> new ConcurrentLinkedDeque<>());
            if (ok && !closed && queue.size() < maxIdlePerKey) {
                connection.idle();
                queue.offerFirst(connection);
            } else {
                discard(connection);
            }
        });
    }

    /** Closes a connection that must not be reused (broken, or its session state is unknown). */
    public void discard(BackendConnection connection) {
        connection.close();
        if (connection.uncount()) {
            total.decrementAndGet();
        }
    }

    /** Closes connections idle for longer than {@code maxIdle}; called periodically. */
    public void evictIdle() {
        long now = System.nanoTime();
        for (Deque<BackendConnection> queue : idle.values()) {
            for (BackendConnection c : queue) {
                if ((now - c.idleSinceNanos() > maxIdleNanos || !c.isUsable()) && queue.remove(c)) {
                    discard(c);
                }
            }
        }
    }

    /** Open backend connections, in use or idle. */
    public int totalConnections() {
        return total.get();
    }

    /** New logins to the engine waiting for one in progress to end. */
    public int waitingLogins() {
        return logins.waiting();
    }

    /** The most connections the pool holds at once. */
    public int maxTotal() {
        return maxTotal;
    }

    public int idleConnections() {
        return idle.values().stream().mapToInt(Deque::size).sum();
    }

    @Override
    public void close() {
        closed = true;
        for (Deque<BackendConnection> queue : idle.values()) {
            BackendConnection c;
            while ((c = queue.pollFirst()) != null) {
                discard(c);
            }
        }
        log.debug("backend pool closed; {} connections still lent out", total.get());
    }

    private static byte[] initDb(String database) {
        byte[] name = database.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] payload = new byte[name.length + 1];
        payload[0] = (byte) CommandType.COM_INIT_DB;
        System.arraycopy(name, 0, payload, 1, name.length);
        return payload;
    }

    private static boolean isOk(ByteBuf payload, Throwable error) {
        if (error != null || payload == null) {
            return false;
        }
        try {
            return payload.isReadable() && payload.getUnsignedByte(payload.readerIndex()) == 0x00;
        } finally {
            payload.release();
        }
    }
}

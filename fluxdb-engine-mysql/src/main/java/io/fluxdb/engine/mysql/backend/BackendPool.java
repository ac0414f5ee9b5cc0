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
 */
public final class BackendPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BackendPool.class);
    private static final byte[] COM_PING = {(byte) CommandType.COM_PING};
    private static final byte[] COM_RESET_CONNECTION = {(byte) CommandType.COM_RESET_CONNECTION};
    /** Every account may select information_schema. */
    private static final byte[] PARKED = initDb("information_schema");

    private final BackendConnector connector;
    private final int maxTotal;
    private final int maxIdlePerKey;
    private final long maxIdleNanos;
    private final long validateAfterNanos;
    private final Map<BackendKey, Deque<BackendConnection>> idle = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final LoginGate logins;
    private volatile boolean closed;

    public BackendPool(BackendConnector connector, int maxTotal, int maxIdlePerKey, Duration maxIdle, Duration validateAfter,
            int maxLoginsInFlight) {
        this.connector = requireNonNull(connector, "connector is null");
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
        Deque<BackendConnection> queue = idle.get(key);
        BackendConnection candidate;
        while (queue != null && (candidate = takeIdle(queue, eventLoop)) != null) {
            long idleNanos = System.nanoTime() - candidate.idleSinceNanos();
            if (!candidate.isUsable() || idleNanos > maxIdleNanos) {
                discard(candidate);
                continue;
            }
            if (idleNanos < validateAfterNanos && key.database().isEmpty()) {
                return CompletableFuture.completedFuture(candidate);
            }
            // A connection logged in with a database selects it again before reuse: the database may have
            // been dropped or recreated with another character set since (the engine caches
            // @@collation_database per connection), and a new login would see it as it is now. The same
            // round trip proves the connection alive, so it replaces the ping.
            BackendConnection pinged = candidate;
            byte[] check = key.database().isEmpty() ? COM_PING : initDb(key.database());
            return pinged.simpleCommand(check).handle((ok, error) -> isOk(ok, error))
                    .thenCompose(alive -> {
                        if (alive) {
                            return CompletableFuture.completedFuture(pinged);
                        }
                        discard(pinged);
                        return borrow(key, credential, eventLoop);
                    });
        }
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return CompletableFuture.failedFuture(new BackendLoginException(1040, "08004",
                    "Too many connections (the operator's backend pool is at its limit of " + maxTotal + ")"));
        }
        return logins.submit(() -> connector.connect(key, credential, eventLoop)).whenComplete((c, error) -> {
            if (error != null) {
                total.decrementAndGet();
            }
        });
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
            Deque<BackendConnection> queue = idle.computeIfAbsent(connection.key(), k -> new ConcurrentLinkedDeque<>());
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
        total.decrementAndGet();
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

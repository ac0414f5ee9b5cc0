package io.fluxdb.engine.mysql.frontend;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.mysql.backend.BackendConnection;
import io.fluxdb.engine.mysql.backend.BackendKey;
import io.fluxdb.engine.mysql.backend.BackendLoginException;
import io.fluxdb.engine.spi.Classification;
import io.fluxdb.engine.spi.Cluster;
import io.fluxdb.engine.spi.ClusterRole;
import io.fluxdb.engine.spi.Determinism;
import io.fluxdb.engine.spi.StatementKind;
import io.fluxdb.engine.spi.TransactionEffect;
import io.fluxdb.engine.spi.VariableAssignment;
import io.fluxdb.protocol.codec.Packet;
import io.fluxdb.protocol.constant.CommandType;
import io.fluxdb.protocol.constant.ServerStatus;
import io.fluxdb.protocol.message.server.ErrPacket;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A follower session's way to the leader. The statements that must run on the leader (writes, DDL, locking reads, a
 * read-write transaction from its first statement, everything while autocommit is off, advisory locks, and statements
 * that read the per-connection state the previous forwarded statement left) go over one MySQL connection to the
 * leader's operator, logged in as the client's own user ({@link LeaderConnector}). The leader runs them as it runs
 * its own clients' statements: replicated through the log, answered with its engine's own packets, which reach the
 * client unchanged.
 *
 * <p>The session state the client set on the follower (database, character sets, SQL mode, time zone, other session
 * variables, isolation, autocommit, user variables) is read from the follower's engine and brought over before a
 * forwarded statement whenever it changed since the last time ({@link SessionTransfer}). While the forwarded session
 * holds a transaction, locks or temporary tables, the client's session is pinned to it; statements that change the
 * session state then run on both. Owned by the client session's event loop.
 */
final class ForwardedSession {
    private static final Logger log = LoggerFactory.getLogger(ForwardedSession.class);
    private static final int ER_OPTION_PREVENTS_STATEMENT = 1290;
    /** How often a statement the old leader refused (it lost leadership) is retried on the new one. */
    private static final int LEADER_RETRIES = 3;
    private static final long LEADER_RETRY_DELAY_MS = 300;
    /** How often a forwarded command that still runs checks whether its leader still leads. */
    private static final long LEADER_CHECK_MS = 250;
    /**
     * How long another node must lead, or no node be known to lead, before a command still waiting on the old leader
     * is given up.
     */
    private static final long LEADER_MOVED_GRACE_MS = 2_000;

    /** Functions whose result is per-connection state left by the previous statement. */
    private static final Pattern CONNECTION_STATE = Pattern.compile(
            "(?is)^\\s*(?:/\\*.*?\\*/\\s*)*(SHOW\\s+(WARNINGS|ERRORS|COUNT)\\b)"
                    + "|.*\\b(ROW_COUNT|FOUND_ROWS)\\b|.*@@(session\\.)?(warning_count|error_count)\\b");
    /** Functions that read what the session's last write left: it ran on the leader, whatever ran since. */
    private static final Pattern WRITE_STATE = Pattern.compile(
            "(?is).*(\\b(LAST_INSERT_ID|LASTVAL|PREVIOUS\\s+VALUE\\s+FOR)\\b|@@(session\\.)?(identity|last_insert_id)\\b)");

    private final ClientSession session;
    private final Cluster cluster;
    private final LeaderConnector connector;
    private BackendConnection link;
    private InetSocketAddress target;
    /** The node id of the leader {@link #target} belongs to. */
    private String targetId;
    /** The link a scheduled check of the leader watches (see {@link #watchLeader}), or null: none is scheduled. */
    private BackendConnection watchedLink;
    /** When the check first saw that another node leads (System.nanoTime), or 0. */
    private long leaderMovedAt;
    /** Bumped whenever the client changes its session state on the follower. */
    private long stateVersion;
    private long syncedVersion = -1;
    private Optional<String> syncedDatabase = Optional.empty();
    /**
     * The {@code session_track_system_variables} the forwarded session was given (the client's, so the leader reports
     * the commit token of forwarded writes to a client that tracks it); null while it has the default.
     */
    private String syncedTracking;
    /** A statement forwarded as the client wrote it set the list there, without the name the leader must see. */
    private boolean trackingUnknown;
    /** User variables the client assigned on the follower, lower case: the sync brings their values over. */
    private final Set<String> userVariables = new LinkedHashSet<>();
    /**
     * User variables a forwarded statement may have assigned on the leader (an OUT parameter of a CALL, say): they
     * live there now, so statements that read them run there too, until the follower assigns them again.
     */
    private final Set<String> leaderVariables = new LinkedHashSet<>();
    /** The status flags of the leader's last answer on the forwarded session. */
    private int leaderStatus = ServerStatus.SERVER_STATUS_AUTOCOMMIT;
    private boolean lastRanOnLeader;
    private boolean forwardedSinceToken;
    /** The advisory locks the forwarded session may hold on the leader. */
    private final AdvisoryLockTally locks = new AdvisoryLockTally();
    /** The forwarded session ran LOCK TABLES: the leader's session holds the write barrier for it. */
    private boolean tableLocks;
    private boolean temporaryTables;
    /** The local statement id of each prepared statement forwarded, and its id on the leader. */
    private final Map<Integer, Integer> statementIds = new HashMap<>();
    /** Statements whose long data could not be sent to the leader, and why. */
    private final Map<Integer, ErrPacket> longDataErrors = new HashMap<>();
    /** Statements with long data sent to the leader's copy and not yet used by an execution there. */
    private final Set<Integer> longDataSent = new HashSet<>();
    /**
     * Why the last statement failed before anything was sent, when the reason was a missing leader: none known
     * (empty), or the one named could not be reached. Null after any other outcome.
     */
    private Optional<String> leaderMissed;

    ForwardedSession(ClientSession session, Cluster cluster, LeaderConnector connector) {
        this.session = requireNonNull(session, "session is null");
        this.cluster = requireNonNull(cluster, "cluster is null");
        this.connector = requireNonNull(connector, "connector is null");
    }

    /**
     * Whether the forwarded session holds state the client's next statement may depend on (a transaction, advisory
     * locks, LOCK TABLES, temporary tables): then every statement goes there, whatever this node's role.
     */
    boolean pinned() {
        return link != null && (ServerStatus.has(leaderStatus, ServerStatus.SERVER_STATUS_IN_TRANS) || locks.holds()
                || tableLocks || temporaryTables);
    }

    /** Whether SHOW WARNINGS is about a statement that ran on the leader. */
    boolean answersWarnings() {
        return link != null && (lastRanOnLeader || pinned());
    }

    /** Whether a follower sends the statement to the leader rather than to its own engine. */
    boolean belongsOnLeader(Classification c, String sql) {
        if (pinned() || !ServerStatus.has(session.state().statusFlags(), ServerStatus.SERVER_STATUS_AUTOCOMMIT)) {
            // With autocommit off every statement is part of a transaction that may write: all of it runs there.
            return true;
        }
        return switch (c.kind()) {
            case WRITE, DDL, LOCKING_READ -> true;
            case TRANSACTION -> c.transaction() == TransactionEffect.BEGIN || c.transaction() == TransactionEffect.LOCK_TABLES
                    || "XA".equals(c.keyword());
            // Advisory locks live on the leader (cluster-wide): asking whether one is free, or releasing one, on a
            // follower's engine would answer about locks nobody takes there.
            default -> c.temporaryTable() || takesAdvisoryLocks(c) || AdvisoryLockTally.callsGetLock(sql)
                    || c.userVariablesRead().stream().anyMatch(leaderVariables::contains)
                    || (lastRanOnLeader && CONNECTION_STATE.matcher(sql).find())
                    || (link != null && WRITE_STATE.matcher(sql).find());
        };
    }

    /** Whether a statement changes the session state a forwarded session must share. */
    static boolean changesSession(Classification c) {
        return c.kind() == StatementKind.SESSION || !c.assignments().isEmpty() || c.database().isPresent()
                || !c.userVariablesAssigned().isEmpty() || c.transaction() == TransactionEffect.AUTOCOMMIT_OFF
                || c.transaction() == TransactionEffect.AUTOCOMMIT_ON;
    }

    /** A statement ran on the follower's engine: remember what it changed. */
    void ranLocally(Classification c) {
        lastRanOnLeader = false;
        if (changesSession(c)) {
            stateVersion++;
            remember(c);
        }
    }

    private void remember(Classification c) {
        for (VariableAssignment a : c.assignments()) {
            if (a.scope() == VariableAssignment.Scope.USER) {
                userVariables.add(a.name().toLowerCase(Locale.ROOT));
            }
        }
        userVariables.addAll(c.userVariablesAssigned());
        leaderVariables.removeAll(userVariables);
    }

    /** A statement ran on the leader: the user variables it may have assigned now live there. */
    private void assignedOnLeader(Classification c) {
        List<String> assigned = new ArrayList<>(c.userVariablesAssigned());
        if ("CALL".equals(c.keyword())) {
            // A procedure's OUT and INOUT parameters assign the variables passed for them.
            assigned.addAll(c.userVariablesRead());
        }
        userVariables.removeAll(assigned);
        leaderVariables.addAll(assigned);
    }

    /**
     * Statements that only change the session (SET, USE, autocommit) run on both engines when they go to the
     * leader: the follower's engine keeps serving this session's reads, with the same settings.
     */
    private static boolean runsOnBoth(Classification c) {
        if (takesAdvisoryLocks(c)) {
            // SET @ok = GET_LOCK(...): the lock, and the answer the variable keeps, are the leader's alone
            return false;
        }
        return c.kind() == StatementKind.SESSION || (c.kind() == StatementKind.TRANSACTION
                && (c.transaction() == TransactionEffect.AUTOCOMMIT_OFF || c.transaction() == TransactionEffect.AUTOCOMMIT_ON));
    }

    /**
     * Whether a statement calls an advisory-lock function ({@code GET_LOCK}, {@code IS_FREE_LOCK}, ...): such locks
     * live on the leader, cluster-wide.
     */
    static boolean takesAdvisoryLocks(Classification c) {
        return c.determinism().contains(Determinism.ADVISORY_LOCK);
    }

    /** COM_INIT_DB or a reset on the follower's engine. */
    void localStateChanged() {
        stateVersion++;
    }

    /** Whether a read that must see this session's writes needs the commit token of forwarded statements first. */
    boolean tokenPending() {
        return forwardedSinceToken && link != null;
    }

    /**
     * The log index of the last write the forwarded session committed, asked of the leader's operator (its
     * {@code @@fluxdb_last_commit}), and recorded as the session's own, so a read that follows waits for it here.
     */
    CompletableFuture<Long> fetchToken() {
        BackendConnection l = link;
        if (l == null || !forwardedSinceToken) {
            return CompletableFuture.completedFuture(session.lastCommitIndex());
        }
        watchLeader(l);
        return EngineStatements.runAll(l, List.of("SELECT @@fluxdb_last_commit")).thenApplyAsync(outcomes -> {
            long index = Long.parseLong(outcomes.getFirst().text(0));
            session.committed(index);
            forwardedSinceToken = false;
            return index;
        }, session.context().executor());
    }

    /**
     * Runs a COM_QUERY on the leader and relays its answer. A statement that only changes the session state runs on
     * the follower's engine first, so both stay in step.
     */
    void query(byte[] payload, Classification c, String sql, Consumer<ErrPacket> fail) {
        leaderMissed = null; // whatever the last statement met: only this one's own failure may say so
        if (runsOnBoth(c)) {
            EngineStatements.runAll(session.backend(), List.of(sql)).whenCompleteAsync((outcomes, failure) -> {
                if (failure != null) {
                    fail.accept(errorOf(failure));
                    return;
                }
                remember(c);
                send(payload, c, sql, fail, LEADER_RETRIES);
            }, session.context().executor());
            return;
        }
        send(payload, c, sql, fail, LEADER_RETRIES);
    }

    private void send(byte[] payload, Classification c, String sql, Consumer<ErrPacket> fail, int retries) {
        boolean retryable = !pinned();
        ready(fail, l -> {
            session.relayVia(l, new Packet(0, Unpooled.wrappedBuffer(payload)), relay -> forwarded(relay, c, sql),
                    retryable && retries > 0 ? notLeaderInterceptor(() -> send(payload, c, sql, fail, retries - 1)) : null,
                    InfileForwarder.forwarding());
            watchLeader(l);
        });
    }

    /**
     * Runs a COM_STMT_EXECUTE of statement {@code localId} (whose text is {@code sql}) on the leader, preparing it
     * there first when it is the first execution forwarded.
     */
    void execute(byte[] payload, int localId, byte[] sql, Classification c, Consumer<ErrPacket> fail) {
        leaderMissed = null; // a refusal below must not pass for a missing leader: it would run without its data
        ErrPacket lost = longDataErrors.remove(localId);
        if (lost != null) {
            // A value sent for this execution did not reach the leader: it must not run without it.
            fail.accept(lost);
            return;
        }
        onLeader(localId, sql, fail, (l, rewritten) -> {
            ErrPacket dropped = longDataErrors.remove(localId);
            if (dropped != null) {
                // the forwarded session that held its data closed while this one opened
                fail.accept(dropped);
                return;
            }
            longDataSent.remove(localId); // this execution uses the data
            session.relayVia(l, new Packet(0, Unpooled.wrappedBuffer(rewritten.apply(payload))),
                    relay -> forwarded(relay, c, new String(sql, UTF_8)), null, InfileForwarder.forwarding());
            watchLeader(l);
        });
    }

    /**
     * COM_STMT_SEND_LONG_DATA for a statement whose execution will run on the leader: the value goes to the leader's
     * copy of the statement (no answer either way), so the execution there has it.
     */
    void longData(byte[] payload, int localId, byte[] sql) {
        // COM_STMT_SEND_LONG_DATA has no answer: a failure is told at the statement's next execution.
        Consumer<ErrPacket> fail = error -> {
            longDataErrors.put(localId, error);
            session.commandComplete(session.state().statusFlags());
        };
        onLeader(localId, sql, fail, (l, rewritten) -> {
            longDataSent.add(localId);
            session.relayVia(l, new Packet(0, Unpooled.wrappedBuffer(rewritten.apply(payload))), relay -> { }, null,
                    InfileForwarder.forwarding());
        });
    }

    /**
     * Runs {@code then} with the forwarded session and a function that rewrites a COM_STMT_* payload for statement
     * {@code localId} to the leader's id of the same statement, preparing it there first when needed.
     */
    private void onLeader(int localId, byte[] sql, Consumer<ErrPacket> fail,
            java.util.function.BiConsumer<BackendConnection, java.util.function.UnaryOperator<byte[]>> then) {
        ready(fail, l -> {
            Integer remote = statementIds.get(localId);
            watchLeader(l);
            CompletableFuture<Integer> prepared = remote != null ? CompletableFuture.completedFuture(remote)
                    : RemotePrepare.prepare(l, sql);
            prepared.whenCompleteAsync((id, failure) -> {
                if (failure != null) {
                    fail.accept(errorOf(failure));
                    return;
                }
                statementIds.put(localId, id);
                then.accept(l, payload -> withStatementId(payload.clone(), id));
            }, session.context().executor());
        });
    }

    /**
     * Watches the forwarded session while a request on it is outstanding (a client's command, or the operator's own
     * state transfer, prepare or token question). A leader that dies or steps down while alive answers or closes the
     * connection; one cut off without a word (a partition: packets dropped, no reset) leaves the request waiting for
     * as long as the link stays cut, minutes, after the rest of the cluster has elected another leader and goes on.
     * So once this node has known for {@link #LEADER_MOVED_GRACE_MS} that another node leads (or that it leads
     * itself), or that it knows no leader at all (it is cut off itself: it stops hearing from the leader, stands, and
     * wins no vote), the forwarded connection is closed: a client whose command was sent sees a lost connection, as
     * for a server that died mid-command, since the command may still have committed (the log decides). The grace
     * leaves a live old leader time to answer itself, with the error that lets the statement run again on the new
     * leader, and an election time to end. A follower that still hears its leader's heartbeats but cannot reach its
     * client port (a one-way or partial cut) still names that leader, and its request waits as before.
     */
    private void watchLeader(BackendConnection l) {
        if (watchedLink == null) {
            session.context().executor().schedule(this::checkLeader, LEADER_CHECK_MS, TimeUnit.MILLISECONDS);
        }
        if (watchedLink != l) {
            watchedLink = l;
            leaderMovedAt = 0;
        }
    }

    private void checkLeader() {
        BackendConnection l = watchedLink;
        if (l == null || link != l || !l.busy()) {
            watchedLink = null;
            return;
        }
        ClusterRole role = cluster.role();
        // no leader known counts as well: an election that ends in time resets the clock when it names the old one
        boolean moved = role.isLeader() || !role.leaderId().equals(Optional.of(targetId));
        long now = System.nanoTime();
        if (!moved) {
            leaderMovedAt = 0;
        } else if (leaderMovedAt == 0) {
            leaderMovedAt = now;
        } else if (now - leaderMovedAt >= TimeUnit.MILLISECONDS.toNanos(LEADER_MOVED_GRACE_MS)) {
            log.info("conn={} - a request forwarded to {} still waits, but {}: closing the forwarded session (the"
                    + " outcome of a command sent on it is unknown)", session.connectionId(), targetId,
                    role.isLeader() ? "this node leads now" : role.leaderId().map(id -> id + " leads now")
                            .orElse("this node knows no leader (it is cut off, or an election runs)"));
            watchedLink = null;
            l.close(); // whoever waits on it sees the connection end
            return;
        }
        session.context().executor().schedule(this::checkLeader, LEADER_CHECK_MS, TimeUnit.MILLISECONDS);
    }

    /** Writes {@code id} as the statement id of a COM_STMT_* payload (bytes 1 to 4, little-endian); returns it. */
    private static byte[] withStatementId(byte[] payload, int id) {
        payload[1] = (byte) id;
        payload[2] = (byte) (id >>> 8);
        payload[3] = (byte) (id >>> 16);
        payload[4] = (byte) (id >>> 24);
        return payload;
    }

    /** COM_STMT_RESET on the follower: the leader's copy of the statement, if any, is reset too. */
    CompletableFuture<Void> resetStatement(int localId) {
        longDataErrors.remove(localId);
        longDataSent.remove(localId);
        Integer remote = statementIds.get(localId);
        if (remote == null || link == null || !link.isUsable()) {
            return CompletableFuture.completedFuture(null);
        }
        byte[] reset = withStatementId(new byte[] {(byte) CommandType.COM_STMT_RESET, 0, 0, 0, 0}, remote);
        return link.simpleCommand(reset).handle((answer, failure) -> {
            if (answer != null) {
                answer.release();
            }
            return null;
        });
    }

    /**
     * Runs {@code sql}, a statement of the operator's own making that concerns the leader alone (a KILL), on the
     * leader as this session, and relays its answer; it changes nothing this session must remember.
     */
    void runOnLeader(String sql, Consumer<ErrPacket> fail) {
        byte[] text = sql.getBytes(UTF_8);
        byte[] payload = new byte[text.length + 1];
        payload[0] = (byte) CommandType.COM_QUERY;
        System.arraycopy(text, 0, payload, 1, text.length);
        ready(fail, l -> session.relayVia(l, new Packet(0, Unpooled.wrappedBuffer(payload)), relay -> { }, null,
                InfileForwarder.forwarding()));
    }

    /** COM_STMT_CLOSE on the follower: the leader's copy goes too (no answer either way). */
    void closeStatement(int localId) {
        longDataErrors.remove(localId);
        longDataSent.remove(localId);
        Integer remote = statementIds.remove(localId);
        if (remote != null && link != null && link.isUsable()) {
            byte[] close = withStatementId(new byte[] {(byte) CommandType.COM_STMT_CLOSE, 0, 0, 0, 0}, remote);
            link.sendMore(new Packet(0, Unpooled.wrappedBuffer(close)));
        }
    }

    /**
     * Whether the leader's operator reports the token in this forwarded session's OKs: then an OK without it says the
     * statement committed nothing.
     */
    private boolean linkReportsToken() {
        return !trackingUnknown && syncedTracking != null && TokenTracking.namesToken(syncedTracking);
    }

    /** The client session ended or was reset: the forwarded session ends with it (its transaction rolls back). */
    void close() {
        dropLink();
        stateVersion++;
    }

    private void forwarded(ResponseRelay relay, Classification c, String sql) {
        session.statementSucceeded(c);
        if (!runsOnBoth(c)) {
            assignedOnLeader(c);
        }
        if (relay.tracker().hasStatus()) {
            leaderStatus = relay.tracker().statusFlags();
        }
        if (c.assignments().stream().anyMatch(a -> a.name().equalsIgnoreCase(TokenTracking.LIST))) {
            trackingUnknown = true;
        }
        lastRanOnLeader = true;
        TokenTracking.Answer answer = session.tokenTracking().takeLastAnswer();
        if (answer == TokenTracking.Answer.REPORTED) {
            // The leader's token for everything this forwarded session committed: no need to ask for it.
            forwardedSinceToken = false;
        } else if (answer != TokenTracking.Answer.UNMOVED || !linkReportsToken()) {
            forwardedSinceToken = true;
        }
        if (c.temporaryTable()) {
            temporaryTables = true;
        }
        if (c.transaction() == TransactionEffect.LOCK_TABLES) {
            tableLocks = true;
        } else if (c.transaction() == TransactionEffect.UNLOCK_TABLES || c.transaction() == TransactionEffect.BEGIN) {
            tableLocks = false;
        }
        locks.ran(sql);
    }

    /**
     * The leader that answered is a leader no more (it refuses with the follower error): the statement did not run
     * there, so it is sent again to the leader this node knows now, after a short pause for the election.
     */
    private ResponseRelay.ErrorInterceptor notLeaderInterceptor(Runnable retry) {
        return new ResponseRelay.ErrorInterceptor() {
            @Override
            public boolean intercept(int errorCode) {
                return errorCode == ER_OPTION_PREVENTS_STATEMENT;
            }

            @Override
            public void intercepted(ResponseRelay relay, ErrPacket error) {
                log.info("conn={} - {} is not the leader any more; retrying on the new leader", session.connectionId(),
                        target);
                dropLink();
                session.context().executor().schedule(retry, LEADER_RETRY_DELAY_MS, TimeUnit.MILLISECONDS);
            }
        };
    }

    /**
     * When the last statement failed because there was no leader to send it to, before anything was sent: the
     * leader that could not be reached, or empty if none was known. Null after any other outcome.
     */
    Optional<String> leaderMissed() {
        return leaderMissed;
    }

    /** Opens the forwarded session to the current leader if needed, brings the session state over, then runs. */
    private void ready(Consumer<ErrPacket> fail, Consumer<BackendConnection> then) {
        leaderMissed = null;
        ClusterRole role = cluster.role();
        Optional<InetSocketAddress> leader = role.leaderClientAddress();
        if (link != null && !link.isUsable() && pinned()) {
            // The leader's side of an open transaction (or of locks, or temporary tables) is gone: running the rest
            // on a new session would commit half a transaction. The client sees a lost connection, as from a server
            // that died.
            session.backendLost(link, new java.io.IOException("the forwarded session to " + target + " was closed"),
                    false);
            return;
        }
        if (link != null && (!link.isUsable() || (!pinned() && leader.isPresent() && !leader.get().equals(target)))) {
            // A new leader, or a connection the old one closed: nothing on it needs keeping.
            dropLink();
        }
        if (link == null) {
            if (leader.isEmpty() || role.leaderId().isEmpty() || role.isLeader()) {
                leaderMissed = Optional.empty();
                fail.accept(noLeader());
                return;
            }
            InetSocketAddress to = leader.get();
            BackendKey key = new BackendKey(session.user(), session.backendCapabilities(),
                    session.backend().collation(), session.state().database().orElse(""));
            connector.connect(role.leaderId().get(), to, key, session.credential(), session.context().channel().eventLoop())
                    .whenCompleteAsync((connection, failure) -> {
                        if (failure != null) {
                            Throwable cause = Failures.cause(failure);
                            if (!(cause instanceof BackendLoginException) && !(cause instanceof LeaderNotVerifiedException
                                    notVerified && !notVerified.unanswered())) {
                                // no answer from the leader (gone, or not reachable from here): the credential
                                // and the statement were not sent
                                leaderMissed = role.leaderId();
                            }
                            fail.accept(loginError(to, failure));
                            return;
                        }
                        if (!session.context().channel().isActive()) {
                            connection.close();
                            return;
                        }
                        link = connection;
                        target = to;
                        targetId = role.leaderId().get();
                        log.debug("conn={} - forwarded session opened to the leader at {}", session.connectionId(), to);
                        sync(fail, then);
                    }, session.context().executor());
            return;
        }
        sync(fail, then);
    }

    private void sync(Consumer<ErrPacket> fail, Consumer<BackendConnection> then) {
        BackendConnection l = link;
        watchLeader(l);
        Optional<String> database = session.state().database();
        Optional<String> tracking = session.tokenTracking().setting();
        boolean trackingSynced = !trackingUnknown && Objects.equals(tracking.orElse(null), syncedTracking);
        if (syncedVersion == stateVersion && syncedDatabase.equals(database) && trackingSynced) {
            then.accept(l);
            return;
        }
        List<String> names = new ArrayList<>(userVariables);
        boolean autocommit = ServerStatus.has(session.state().statusFlags(), ServerStatus.SERVER_STATUS_AUTOCOMMIT);
        long version = stateVersion;
        EngineStatements.runAll(session.backend(), List.of(WriteContext.query(names)))
                .thenCompose(outcomes -> {
                    List<String> transfer = new ArrayList<>(SessionTransfer.statements(
                            WriteContext.parse(outcomes.getFirst(), names), autocommit,
                            ServerStatus.has(leaderStatus, ServerStatus.SERVER_STATUS_AUTOCOMMIT)));
                    if (!trackingSynced) {
                        // As the client wrote it: the leader's operator takes its own name out for its engine.
                        transfer.add("SET SESSION " + TokenTracking.LIST + " = " + tracking.orElse("DEFAULT"));
                    }
                    return EngineStatements.runAll(l, transfer);
                })
                .whenCompleteAsync((outcomes, failure) -> {
                    if (failure != null) {
                        fail.accept(errorOf(failure));
                        return;
                    }
                    leaderStatus = outcomes.getLast().statusFlags();
                    syncedVersion = version;
                    syncedDatabase = database;
                    syncedTracking = tracking.orElse(null);
                    trackingUnknown = false;
                    then.accept(l);
                }, session.context().executor());
    }

    private void dropLink() {
        if (link != null) {
            link.close();
        }
        link = null;
        target = null;
        targetId = null;
        statementIds.clear();
        for (int localId : longDataSent) {
            // the data went to the old leader's copy of the statement, gone with that session: an execution on
            // the next one must not run without it
            longDataErrors.putIfAbsent(localId, new ErrPacket(1105, "HY000", "The data sent for this prepared"
                    + " statement with COM_STMT_SEND_LONG_DATA was lost with the forwarded session to the leader (the"
                    + " leader changed or its connection closed); the statement did not run. Send the data again"
                    + " and execute it again"));
        }
        longDataSent.clear();
        syncedVersion = -1;
        syncedTracking = null;
        trackingUnknown = false;
        leaderStatus = ServerStatus.SERVER_STATUS_AUTOCOMMIT;
        locks.clear();
        tableLocks = false;
        temporaryTables = false;
        // What the old forwarded session held is gone with it.
        leaderVariables.clear();
    }

    /** What a statement that needs the leader gets when there is none to send it to. */
    static ErrPacket noLeader() {
        return new ErrPacket(ER_OPTION_PREVENTS_STATEMENT, "HY000", "FluxDB has no leader right now (no quorum, or an"
                + " election is running), so it cannot run writes, DDL, locking reads or advisory-lock functions; retry shortly");
    }

    private ErrPacket loginError(InetSocketAddress to, Throwable failure) {
        Throwable cause = Failures.cause(failure);
        if (cause instanceof BackendLoginException e) {
            // The leader refused this user (its own error, e.g. access denied): the client sees why.
            return new ErrPacket(e.errorCode(), e.sqlState(), e.getMessage());
        }
        log.info("conn={} - cannot open a forwarded session to the leader at {}: {}", session.connectionId(), to,
                cause.toString());
        return new ErrPacket(ER_OPTION_PREVENTS_STATEMENT, "HY000", "FluxDB cannot reach the leader at "
                + to.getHostString() + ":" + to.getPort() + " to run this statement (" + cause.getMessage()
                + "); nothing ran. Retry shortly");
    }

    private static ErrPacket errorOf(Throwable failure) {
        Throwable cause = Failures.cause(failure);
        if (cause instanceof EngineStatements.EngineStatementException e) {
            return e.error();
        }
        return new ErrPacket(1105, "HY000", "FluxDB: the forwarded session to the leader failed: " + cause);
    }

    @Override
    public String toString() {
        return "ForwardedSession[conn=" + session.connectionId() + ", leader=" + Objects.toString(target) + "]";
    }
}

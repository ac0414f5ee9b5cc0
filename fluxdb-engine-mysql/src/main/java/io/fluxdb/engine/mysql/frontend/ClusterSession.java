package io.fluxdb.engine.mysql.frontend;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.mysql.apply.LeaderCommits;
import io.fluxdb.engine.mysql.apply.Sql;
import io.fluxdb.engine.mysql.sql.BinaryLiterals;
import io.fluxdb.engine.mysql.sql.DiagnosticsRewrite;
import io.fluxdb.engine.mysql.sql.NodeLocalTables;
import io.fluxdb.engine.mysql.sql.TableReferences;
import io.fluxdb.engine.mysql.sql.DiagnosticsRewrite.Diagnostics;
import io.fluxdb.engine.mysql.sql.ValueRewrite;
import io.fluxdb.engine.mysql.frontend.EngineStatements.Outcome;
import io.fluxdb.engine.spi.AccessMode;
import io.fluxdb.engine.spi.BoundValue;
import io.fluxdb.engine.spi.Classification;
import io.fluxdb.engine.spi.Cluster;
import io.fluxdb.engine.spi.ClusterException;
import io.fluxdb.engine.spi.ClusterRole;
import io.fluxdb.engine.spi.CommitResult;
import io.fluxdb.engine.spi.Determinism;
import io.fluxdb.engine.spi.EntryKind;
import io.fluxdb.engine.spi.LogEntryContent;
import io.fluxdb.engine.spi.ParseContext;
import io.fluxdb.engine.spi.ReplayHints;
import io.fluxdb.engine.spi.ReplicatedStatement;
import io.fluxdb.engine.spi.StatementKind;
import io.fluxdb.engine.spi.TransactionEffect;
import io.fluxdb.protocol.codec.Packet;
import io.fluxdb.protocol.constant.CapabilityFlags;
import io.fluxdb.protocol.constant.CommandType;
import io.fluxdb.protocol.constant.ServerStatus;
import io.fluxdb.protocol.message.server.ErrPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client session's part in a replicated cluster: where each statement runs and how a write becomes a log entry.
 *
 * <p>On a follower, writes are refused with an error that names the leader. On the leader, a write transaction runs
 * on the session's own engine connection as an XA transaction: its statements run natively (the clock pinned and
 * the values they depend on read first, so every node can replay them exactly), then at COMMIT it is prepared in the
 * engine, which keeps it and its locks even if the connection breaks, appended to the log, and committed in the
 * engine only once a majority holds the entry. Autocommit writes are wrapped the same way, invisibly to the client.
 * DDL runs alone under the {@link WriteGate} and is appended right after it ran.
 *
 * <p>Under all of this, every session's engine connection is read-only ({@code SET SESSION TRANSACTION READ ONLY}):
 * a write the classifier missed (a stored function called from a SELECT) is refused by the engine, never applied
 * on one node only. Owned by the session's event loop.
 */
final class ClusterSession {
    private static final Logger log = LoggerFactory.getLogger(ClusterSession.class);
    private static final int ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION = 1792;
    private static final ErrPacket READ_ONLY_TRANSACTION = new ErrPacket(ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION,
            "25006", "Cannot execute statement in a READ ONLY transaction");
    private static final int ER_OPTION_PREVENTS_STATEMENT = 1290;
    private static final int ER_NOT_SUPPORTED_YET = 1235;
    private static final int ER_BINLOG_UNSAFE_STATEMENT = 1592;
    /** MySQL's "transaction larger than max_binlog_cache_size": the closest error for an entry the log refuses. */
    private static final int ER_TRANS_CACHE_FULL = 1197;

    /** An XA transaction the session has open on the leader, and the log entry it is building. */
    private static final class Xa {
        final String id;
        final long term;
        final List<ReplicatedStatement> statements = new ArrayList<>();
        WriteContext context;
        boolean gateHeld;
        /** The engine's count of row writes at the last check, or -1 after a write statement (unknown). */
        long rowWrites = -1;
        /**
         * A statement that was not replicated ran since the last check: a read, or a write of a temporary table
         * (which may change {@link #temporaryRowWrites} rows and no others).
         */
        boolean readUnchecked;
        /** The rows the temporary-table statements since the last check said they changed. */
        long temporaryRowWrites;
        /** Why the transaction cannot be replicated, or null. */
        String unreplicable;

        Xa(String id, long term) {
            this.id = id;
            this.term = term;
        }
    }

    private final ClientSession session;
    private final ClusterSupport support;
    private final Cluster cluster;
    private final WriteGate gate;
    private final LeaderBookkeeping books;
    private final java.util.concurrent.Executor blocking;
    private boolean readOnlyApplied;
    /** How the engine reads this session's text; null until read from the engine (and after it may have changed). */
    private ParseContext parse;
    private boolean clockPinned;
    private Xa xa;
    /** The session's server-side prepared statements. */
    private final PreparedStatements prepared = new PreparedStatements();
    /** The session's read consistency and commit token (the fluxdb_ session variables). */
    private final OperatorVariables variables;
    /** The engine's warnings for the session's last write, taken before the operator's own statements cleared them. */
    private SavedWarnings warnings;
    /**
     * What the client's last statement left for {@code ROW_COUNT()} and the warning counts, when statements of the
     * operator's ran on the engine connection after it (they reset the engine's own); null otherwise.
     */
    private Diagnostics diagnostics;
    /** Where a follower sends what must run on the leader; null when forwarding is off. */
    private final ForwardedSession forwarded;
    private final TemporaryTables temporaries = new TemporaryTables();
    /**
     * The session ran LOCK TABLES on the leader: it holds the write barrier alone, in term {@link #tablesLockTerm},
     * until UNLOCK TABLES (see {@link #lockTables}).
     */
    private boolean tablesLocked;
    private long tablesLockTerm;
    /**
     * How many holds this session has on the write barrier, held alone: LOCK TABLES is one, and each statement that
     * runs under {@link #exclusively} another; the barrier is released when the last ends.
     */
    private int barrierHolds;
    /** Checks, while LOCK TABLES holds the barrier, that this node still leads in that term. */
    private java.util.concurrent.ScheduledFuture<?> lockWatch;
    /**
     * The session called GET_LOCK on this node's engine while the node led, in term {@link #advisoryLocksTerm}, and
     * has not released every lock since: its locks are the cluster's only while this term lasts. Watched by {@link
     * #advisoryWatch}.
     */
    private boolean advisoryLocks;
    /** The transaction access mode the client asked for, which the engine session does not keep. */
    private final ClientAccessMode accessMode = new ClientAccessMode();
    /** The advisory locks the session may hold on this node's engine. */
    private final AdvisoryLockTally localLocks = new AdvisoryLockTally();
    private long advisoryLocksTerm;
    private java.util.concurrent.ScheduledFuture<?> advisoryWatch;
    /** The locks were released because the term ended; the session's next statement is told, and its end. */
    private boolean tablesLockLost;

    ClusterSession(ClientSession session, ClusterSupport support) {
        this.session = requireNonNull(session, "session is null");
        this.support = requireNonNull(support, "support is null");
        this.cluster = support.cluster();
        this.gate = support.gate();
        this.books = support.books();
        this.blocking = support.blocking();
        this.variables = new OperatorVariables(support.consistency());
        this.forwarded = support.forwarding().map(connector -> new ForwardedSession(session, cluster, connector))
                .orElse(null);
    }

    /** Whether the engine connection holds state that must not go back to the pool (an open XA transaction). */
    boolean holdsTransaction() {
        return xa != null;
    }

    /**
     * KILL of a session of this node whose statement runs on the leader as its forwarded session {@code
     * leaderConnectionId}: sent to the leader's operator over this session's own forwarded session, as this session's
     * user, so the leader's engine checks the privilege as it would for a direct KILL. False when this node does not
     * forward.
     */
    boolean killOnLeader(KillStatement kill, long leaderConnectionId) {
        if (forwarded == null) {
            return false;
        }
        session.begin(Busy.INSTANCE);
        forwarded.runOnLeader(kill.forEngineThread(leaderConnectionId), this::fail);
        return true;
    }

    /** COM_RESET_CONNECTION or COM_CHANGE_USER: the engine forgot the session, its transaction included. */
    void engineSessionReset() {
        readOnlyApplied = false;
        parse = null;
        clockPinned = false;
        diagnostics = null;
        prepared.clear();
        temporaries.clear();
        dropTransaction();
        unlockTables();
        forgetAdvisoryLocks(); // a reset releases them
        accessMode.reset();
        if (forwarded != null) {
            forwarded.close();
        }
    }

    /** The client went away. An XA transaction that was not prepared ends with its connection. */
    void closed() {
        dropTransaction();
        unlockTables();
        forgetAdvisoryLocks();
        SavedWarnings saved = takeWarnings();
        if (saved != null) {
            saved.release();
        }
        if (forwarded != null) {
            forwarded.close();
        }
    }

    private void dropTransaction() {
        if (xa != null && xa.gateHeld) {
            gate.releaseShared();
        }
        xa = null;
    }

    // ---------------------------------------------------------------------------------------------------------
    // COM_QUERY

    /**
     * Runs a COM_QUERY in the cluster. Takes ownership of {@code packet}.
     *
     * @param sql the statement text as the classifier read it
     */
    void query(Packet packet) {
        byte[] payload = ByteBufUtil.getBytes(packet.content());
        packet.release();
        String text = new String(payload, 1, payload.length - 1, UTF_8);
        // FluxDB's own variables (a follower asks for the commit token before a read this way) leave the client's
        // warnings and ROW_COUNT() as they are: the client did not ask.
        boolean transparent = OperatorVariables.selectsOne(text);
        SavedWarnings saved = transparent ? null : takeWarnings();
        Diagnostics last = transparent ? null : diagnostics;
        if (!transparent) {
            diagnostics = null;
        }
        if (SavedWarnings.asks(text)) {
            diagnostics = last; // SHOW WARNINGS leaves ROW_COUNT() as it was
            if (forwarded != null && forwarded.answersWarnings()) {
                // The warnings are the leader's: asked there at once, before anything else could clear them.
                session.begin(Busy.INSTANCE);
                forwarded.query(payload, support.classifier().classify(ByteBuffer.wrap(payload, 1, payload.length - 1),
                        parse), text, this::fail);
            } else {
                showWarnings(saved, payload);
            }
            return;
        }
        boolean readsDiagnostics = last != null && DiagnosticsRewrite.mayRead(text);
        if (saved != null && !readsDiagnostics) {
            saved.release();
        }
        prologue(() -> {
            // Classified as the engine will read it: in the session's character set and SQL mode.
            Classification c = support.classifier().classify(ByteBuffer.wrap(payload, 1, payload.length - 1), parse);
            byte[] tracked;
            try {
                tracked = TokenTracking.forEngine(payload, c);
            } catch (IllegalArgumentException e) {
                if (readsDiagnostics && saved != null) {
                    saved.release();
                }
                fail(new ErrPacket(1231, "42000", e.getMessage()));
                return;
            }
            byte[] forEngine = readsDiagnostics
                    ? withDiagnostics(tracked, last, saved, c.kind() == StatementKind.READ) : tracked;
            String sql = new String(forEngine, 1, forEngine.length - 1, UTF_8);
            if (OperatorVariables.assignsOne(c)) {
                variables.set(c).ifPresentOrElse(this::fail, () -> reply(session.state().statusFlags()));
                return;
            }
            Optional<byte[]> answer = variables.selectRewrite(sql, forEngine, parse, c, session.lastCommitIndex());
            if (answer.isPresent() && forwarded != null && forwarded.tokenPending()) {
                // The token must count the writes this session ran through the leader.
                forwarded.fetchToken().whenCompleteAsync((index, failure) -> {
                    byte[] fresh = variables.selectRewrite(sql, forEngine, parse, c, session.lastCommitIndex())
                            .orElseThrow();
                    session.relay(new Packet(0, Unpooled.wrappedBuffer(query(fresh))), relay -> { }, null);
                }, session.context().executor());
                return;
            }
            answer = answer.or(() -> session.tokenTracking().selectRewrite(sql).map(s -> s.getBytes(UTF_8)));
            if (answer.isPresent()) {
                session.relay(new Packet(0, Unpooled.wrappedBuffer(query(answer.get()))), relay -> { }, null);
                return;
            }
            ReadConsistency level = ReadConsistency.hint(sql).orElse(variables.consistency());
            unpinClock(keepsClock(c), () -> readBarrier(readsHere(c), level, () -> route(forEngine, sql, c)));
        });
    }

    /**
     * SHOW WARNINGS: the warnings saved for the last write, or else the engine's own, asked before any statement of
     * the operator's (releasing the clock, say) could clear them.
     */
    private void showWarnings(SavedWarnings saved, byte[] payload) {
        session.begin(Busy.INSTANCE);
        if (saved != null) {
            saved.replay(session.context());
            warnings = saved;
            session.commandComplete(session.state().statusFlags());
            return;
        }
        session.relay(new Packet(0, Unpooled.wrappedBuffer(payload)), relay -> { }, null);
    }

    /**
     * The statement with the values {@code last} holds in place of the engine's {@code ROW_COUNT()} and warning
     * counts, which the operator's own statements reset. A statement that names no table keeps the warnings for the
     * next one, as the engine does; {@code saved} is kept then, and released otherwise.
     */
    private byte[] withDiagnostics(byte[] payload, Diagnostics last, SavedWarnings saved, boolean select) {
        Optional<ValueRewrite.Rewritten> rewritten = ValueRewrite.rewrite(
                java.util.Arrays.copyOfRange(payload, 1, payload.length), parse, last);
        if (rewritten.isPresent() && rewritten.get().namesNoTable()) {
            diagnostics = last.afterReading(select);
            warnings = saved;
        } else if (saved != null) {
            saved.release();
        }
        return rewritten.map(r -> query(r.statement())).orElse(payload);
    }

    /** The COM_QUERY payload of {@code statement}. */
    private static byte[] query(byte[] statement) {
        byte[] payload = new byte[statement.length + 1];
        payload[0] = CommandType.COM_QUERY;
        System.arraycopy(statement, 0, payload, 1, statement.length);
        return payload;
    }

    /** What a write's answer leaves for {@code ROW_COUNT()} and the warning counts; null when it is not one OK. */
    private static Diagnostics diagnosticsOf(io.fluxdb.protocol.codec.ResponseTracker tracker) {
        if (tracker.endedInError()) {
            return new Diagnostics(-1, -1, -1);
        }
        return tracker.numColumns() == 0 && tracker.results() == 1
                ? new Diagnostics(tracker.affectedRows(), tracker.warnings(), 0) : null;
    }

    private SavedWarnings takeWarnings() {
        SavedWarnings saved = warnings;
        warnings = null;
        return saved;
    }

    /**
     * Whether a statement needs this node to have applied the session's writes before it runs here: reads, and USE,
     * whose database the session may just have created through the leader.
     */
    private static boolean readsHere(Classification c) {
        return c.kind() == StatementKind.READ || c.kind() == StatementKind.SESSION && c.database().isPresent();
    }

    /**
     * COM_INIT_DB, which selects a database as USE does: it runs on this node's engine once the node applied the
     * session's writes (a database the session just created through the leader), at the session's consistency.
     */
    void initDb(Packet packet) {
        byte[] payload = ByteBufUtil.getBytes(packet.content());
        packet.release();
        session.begin(Busy.INSTANCE);
        readBarrier(true, variables.consistency(), () -> session.initDb(
                new Packet(0, Unpooled.wrappedBuffer(payload))));
    }

    /** Runs {@code then} once a read may run here at {@code level}; other statements run at once. */
    private void readBarrier(boolean reads, ReadConsistency level, Runnable then) {
        if (!reads) {
            then.run();
            return;
        }
        // A session whose reads run on the leader (pinned there) needs no wait for what it forwarded; any other waits
        // for the writes forwarded through this node, its own among them.
        ForwardedCommits node = forwarded != null && forwarded.pinned() ? null : support.forwardedCommits();
        CompletableFuture<Void> ready = ReadBarrier.before(cluster, level,
                Math.max(session.lastCommitIndex(), variables.readAfter()), node);
        if (ready.isDone() && !ready.isCompletedExceptionally()) {
            then.run();
            return;
        }
        ready.whenCompleteAsync((applied, failure) -> {
            if (failure != null) {
                fail(ReadBarrier.error(level, failure));
            } else {
                then.run();
            }
        }, session.context().executor());
    }

    /** The session's text-reading context changes with SET NAMES, SET CHARACTER SET and SET sql_mode. */
    private static boolean changesParseContext(Classification c) {
        return c.assignments().stream().anyMatch(a -> a.scope() != io.fluxdb.engine.spi.VariableAssignment.Scope.USER
                && (a.name().equals("sql_mode") || a.name().equals("names") || a.name().equals("character set")
                        || a.name().equals("character_set_client")));
    }

    /**
     * Before any command: the engine session is made read-only once (and again after a reset or a client's attempt
     * to change it), the session's SQL mode and character set are read when they may have changed, and a pending
     * row-write check of a replicated transaction is done.
     */
    private void prologue(Runnable then) {
        ClusterRole role = cluster.role();
        if (lostTerm(role)) {
            session.begin(Busy.INSTANCE);
            endLostTerm(role);
            return;
        }
        session.begin(Busy.INSTANCE);
        List<String> prologue = new ArrayList<>(3);
        if (!readOnlyApplied) {
            prologue.add("SET SESSION TRANSACTION READ ONLY");
        }
        boolean readContext = parse == null;
        if (readContext) {
            prologue.add("SET STATEMENT character_set_results = utf8mb4 FOR"
                    + " SELECT @@session.sql_mode, @@session.character_set_client");
        }
        Xa open = xa;
        // after a read the classifier did not check; the baseline it is compared with was taken before that read
        boolean check = open != null && open.readUnchecked;
        if (check) {
            prologue.add(ROW_WRITES);
        }
        if (prologue.isEmpty()) {
            then.run();
            return;
        }
        engine(prologue, outcomes -> {
            readOnlyApplied = true;
            if (readContext) {
                Outcome context = outcomes.get(outcomes.size() - (check ? 2 : 1));
                parse = new ParseContext(context.text(0), context.text(1));
            }
            if (check) {
                checkRowWrites(open, Long.parseLong(outcomes.getLast().text(0)));
            }
            then.run();
        });
    }

    /**
     * Statements that may run with the clock a previous write pinned: writes pin it again, and BEGIN, COMMIT and
     * ROLLBACK show the client no time (opening an XA transaction releases the clock in the same round trip).
     */
    private static boolean keepsClock(Classification c) {
        if (c == null) {
            return false;
        }
        return switch (c.kind()) {
            case WRITE, DDL -> true;
            case TRANSACTION -> !c.multiStatement() && switch (c.transaction()) {
                case BEGIN, COMMIT, ROLLBACK -> true;
                default -> false;
            };
            default -> false;
        };
    }

    /** A clock pinned for the previous write is released before anything but the statements that keep it. */
    private void unpinClock(boolean keep, Runnable then) {
        if (!clockPinned || keep) {
            then.run();
            return;
        }
        engine(List.of("SET timestamp = DEFAULT"), outcomes -> {
            clockPinned = false;
            then.run();
        });
    }

    /**
     * Inside a replicated transaction the engine session is read-write, so the read-only net cannot catch a write
     * hidden in a statement the classifier took for a read (a stored function called from a SELECT). The engine's
     * own count of row writes can: if it moved while such a statement ran, the transaction holds a change the log
     * entry would not, and it is refused at COMMIT rather than replicated without it.
     */
    private void checkRowWrites(Xa open, long rowWrites) {
        if (open.readUnchecked && open.rowWrites >= 0 && rowWrites - open.rowWrites > open.temporaryRowWrites
                && open.unreplicable == null) {
            open.unreplicable = "a statement of this transaction that FluxDB did not replicate (a read, or a write of"
                    + " a temporary table) changed other data (a stored function called from a SELECT or SET?);"
                    + " FluxDB cannot replicate that inside a transaction. Call such functions with DO or CALL, or"
                    + " outside the transaction";
            log.info("conn={} - transaction {} changed data in a read; it will be refused at COMMIT",
                    session.connectionId(), open.id);
        }
        open.rowWrites = rowWrites;
        open.readUnchecked = false;
        open.temporaryRowWrites = 0;
    }

    /**
     * Marks the transaction as running a statement the classifier took for a read, after taking the baseline of row
     * writes it is checked against when the baseline is unknown (a write ran since the last one). Writes never need
     * one, so a transaction of writes only never reads the count.
     */
    private void uncheckedRead(Runnable then) {
        Xa open = xa;
        if (open == null) {
            then.run();
            return;
        }
        if (open.rowWrites >= 0) {
            open.readUnchecked = true;
            then.run();
            return;
        }
        engine(List.of(ROW_WRITES), outcomes -> {
            open.rowWrites = Long.parseLong(outcomes.getFirst().text(0));
            open.readUnchecked = true;
            then.run();
        });
    }

    private static final String ROW_WRITES = "SELECT SUM(VARIABLE_VALUE) FROM information_schema.SESSION_STATUS"
            + " WHERE VARIABLE_NAME IN ('HANDLER_WRITE', 'HANDLER_UPDATE', 'HANDLER_DELETE')";

    // ---------------------------------------------------------------------------------------------------------
    // Prepared statements

    /** COM_STMT_* commands. Takes ownership of {@code packet}. */
    void preparedCommand(Packet packet, int command) {
        SavedWarnings saved = takeWarnings();
        if (saved != null) {
            saved.release();
        }
        ByteBuf content = packet.content();
        int id = content.readableBytes() >= 5 ? content.getIntLE(content.readerIndex() + 1) : -1;
        switch (command) {
            case CommandType.COM_STMT_PREPARE -> {
                byte[] sql = new byte[content.readableBytes() - 1];
                content.getBytes(content.readerIndex() + 1, sql);
                // Preparing resolves names on this node's engine: wait as a read does, so a statement prepared right
                // after the session's DDL ran on the leader finds the table here.
                prologue(() -> readBarrier(true, variables.consistency(), () -> {
                    Classification c = support.classifier().classify(ByteBuffer.wrap(sql), parse);
                    if (c.kind() == StatementKind.READ || c.kind() == StatementKind.EMPTY) {
                        session.relay(packet, relay -> prepared.prepared(relay.tracker().statementId(), sql, c,
                                relay.tracker().numParams(), session.state().database()), null);
                        return;
                    }
                    // The engine refuses to prepare a write in a read-only session; preparing runs nothing, so the
                    // session may be read-write for that moment.
                    readWrite(() -> { }, () -> session.relay(packet, relay -> prepared.prepared(
                            relay.tracker().statementId(), sql, c, relay.tracker().numParams(),
                            session.state().database()), null));
                }));
            }
            case CommandType.COM_STMT_EXECUTE -> execute(packet);
            case CommandType.COM_STMT_BULK_EXECUTE -> prologue(() -> {
                PreparedStatements.Prepared p = prepared.get(id);
                if (p != null && needsLeader(p.classification)) {
                    packet.release();
                    fail(cluster.role().isLeader() || forwarded != null
                            ? notSupported("COM_STMT_BULK_EXECUTE of writes in a cluster (turn off useBulkStmts)")
                            : followerError(cluster.role()));
                    return;
                }
                relayPreparedRead(packet, null, () -> null);
            });
            case CommandType.COM_STMT_SEND_LONG_DATA -> {
                prepared.longData(content);
                PreparedStatements.Prepared p = prepared.get(id);
                if (p != null && forwardsNow(cluster.role())
                        && forwarded.belongsOnLeader(p.classification, new String(p.sql, UTF_8))) {
                    // The value belongs to an execution that will run on the leader: it goes there too.
                    byte[] payload = ByteBufUtil.getBytes(content);
                    packet.release();
                    session.begin(Busy.INSTANCE);
                    forwarded.longData(payload, prepared.resolve(id), p.sql);
                    return;
                }
                session.relay(packet, relay -> {}, null);
            }
            case CommandType.COM_STMT_RESET -> {
                prepared.reset(id);
                if (forwarded != null) {
                    // The leader's copy drops its long data too, before the client hears the local answer.
                    session.begin(Busy.INSTANCE);
                    forwarded.resetStatement(prepared.resolve(id)).whenCompleteAsync((ignored, failure) ->
                            session.relay(packet, relay -> {}, null), session.context().executor());
                    return;
                }
                session.relay(packet, relay -> {}, null);
            }
            case CommandType.COM_STMT_CLOSE -> {
                int closing = prepared.resolve(id);
                prepared.close(id);
                if (forwarded != null) {
                    forwarded.closeStatement(closing);
                }
                session.relay(packet, relay -> {}, null);
            }
            default -> session.relay(packet, relay -> {}, null);
        }
    }

    private void execute(Packet packet) {
        PreparedStatements.Execution execution;
        try {
            execution = prepared.execute(packet.content());
        } catch (RuntimeException e) {
            // Parameters the operator cannot read: the engine gives the client its own answer.
            log.debug("conn={} - COM_STMT_EXECUTE not decoded: {}", session.connectionId(), e.toString());

            execution = null;
        }
        PreparedStatements.Execution decoded = execution;
        byte[] payload = ByteBufUtil.getBytes(packet.content());
        packet.release();
        Classification c = decoded == null ? null : decoded.statement().classification;
        prologue(() -> unpinClock(keepsClock(c), () -> executeRouted(payload, decoded, c, LeaderWait.start())));
    }

    /** Routes a COM_STMT_EXECUTE once its prologue ran; again after a wait for a leader. */
    private void executeRouted(byte[] payload, PreparedStatements.Execution decoded, Classification c, LeaderWait wait) {
        ClusterRole role = cluster.role();
        if (endedLostTerm(role)) {
            return;
        }
        if (c != null && asAsked(c) == ReadOnlyAsAsked.ENGINE_REFUSES) {
            refuseAsAsked(() -> session.relay(new Packet(0, Unpooled.wrappedBuffer(payload)), relay -> { }, null));
            return;
        }
        if (c != null && temporaryTables(role, decoded.statement().sql, 0, c, payload, decoded.statement().database)) {
            return;
        }
        if (c != null && heldForLeader(role, c, wait, next -> executeRouted(payload, decoded, c, next))) {
            return;
        }
        if (c != null && forwardsNow(role)
                && forwarded.belongsOnLeader(c, new String(decoded.statement().sql, UTF_8))) {
            int localId = prepared.resolve((payload[1] & 0xFF) | (payload[2] & 0xFF) << 8
                    | (payload[3] & 0xFF) << 16 | (payload[4] & 0xFF) << 24);
            forwarded.execute(payload, localId, decoded.statement().sql, c,
                    error -> forwardFailed(error, c, wait, () -> executeRouted(payload, decoded, c, wait)));
            return;
        }
        if (c != null && role.isLeader() && c.kind() == StatementKind.TRANSACTION && !needsLeader(c)) {
            // BEGIN, COMMIT, ROLLBACK, SET autocommit prepared on the server (sysbench does that): they open and
            // end the replicated transaction exactly as their text forms do. Their answer is an OK either way.
            transaction(payload, new String(decoded.statement().sql, UTF_8), c, c.transaction());
            return;
        }
        if (c != null && needsLeader(c)) {
            if (!role.isLeader()) {
                fail(followerError(role));
            } else if (c.kind() != StatementKind.WRITE) {
                fail(notSupported(c.kind() + " statements through server-side prepared statements in a cluster"));
            } else {
                Optional<ErrPacket> refusal = refusal(new String(decoded.statement().sql, UTF_8), c,
                        decoded.statement().sql, 0, decoded.statement().database);
                if (refusal.isPresent()) {
                    fail(refusal.get());
                    return;
                }
                boolean autocommit = ServerStatus.has(session.state().statusFlags(),
                        ServerStatus.SERVER_STATUS_AUTOCOMMIT);
                write(new WriteSource(payload, new String(decoded.statement().sql, UTF_8), c,
                        decoded.statement().sql, 0, decoded), xa == null && autocommit);
            }
            return;
        }
        readBarrier(true, variables.consistency(),
                () -> relayPreparedRead(new Packet(0, Unpooled.wrappedBuffer(payload)), c,
                        () -> decoded == null ? null : new String(decoded.statement().sql, UTF_8)));
    }

    /**
     * Whether statement {@code c} must wait for a leader before it is routed: it needs the leader (a write, DDL, a
     * locking read, or a BEGIN a follower opens there), and this node neither leads nor knows a leader (an election
     * runs, or this node was just elected and is not ready for writes yet).
     */
    private boolean waitsForLeader(ClusterRole role, Classification c) {
        return leaderBound(c) && !role.isLeader() && role.leaderId().isEmpty() && (forwarded == null || !forwarded.pinned());
    }

    /**
     * A statement that runs on the leader only: one that needs it, or on a follower a BEGIN, which it opens there, or
     * an advisory-lock function, whose locks live there.
     */
    private boolean leaderBound(Classification c) {
        return needsLeader(c) || (forwarded != null && ((c.kind() == StatementKind.TRANSACTION
                && c.transaction() == TransactionEffect.BEGIN) || ForwardedSession.takesAdvisoryLocks(c)));
    }

    /**
     * When statement {@code c} must wait for a leader ({@link #waitsForLeader}): holds it, running {@code retry} with
     * the wait once there is a leader to try or with {@link LeaderWait#OVER} after its limit, and refuses it when the
     * wait is over with still no leader. That refusal is not left to the forwarded session: one left from before would
     * send the statement to its old leader, which may be cut off, and lose it with the session (outcome unknown)
     * rather than refuse it. Returns false, doing nothing, when the statement need not wait.
     */
    private boolean heldForLeader(ClusterRole role, Classification c, LeaderWait wait,
            Consumer<LeaderWait> retry) {
        if (!waitsForLeader(role, c)) {
            return false;
        }
        if (wait.open()) {
            awaitLeader(wait, Optional.empty(), () -> retry.accept(wait), () -> retry.accept(LeaderWait.OVER));
        } else {
            fail(ForwardedSession.noLeader());
        }
        return true;
    }

    /** See {@link LeaderWait}: runs {@code again} once there is a leader to try, {@code giveUp} after its limit. */
    private void awaitLeader(LeaderWait wait, Optional<String> unreachable, Runnable again, Runnable giveUp) {
        wait.whenLeaderKnown(cluster, session.context().executor(), () -> session.context().channel().isActive(),
                unreachable, again, giveUp);
    }

    /**
     * A forwarded statement failed. When it failed because the leader could not be reached (nothing was sent), a
     * statement that needs the leader waits for the next one and runs there; any other failure reaches the client.
     */
    private void forwardFailed(ErrPacket error, Classification c, LeaderWait wait, Runnable again) {
        Optional<String> missed = forwarded.leaderMissed();
        if (missed != null && leaderBound(c) && wait.open()) {
            log.debug("conn={} - no leader to run the statement on ({}); waiting for one", session.connectionId(),
                    error.message());
            awaitLeader(wait, missed, again, () -> fail(error));
            return;
        }
        fail(error);
    }

    /** A prepared statement taken for a read; the engine's read-only refusal is the net under that judgement. */
    private void relayPreparedRead(Packet packet, Classification c, java.util.function.Supplier<String> sql) {
        ClusterRole sent = cluster.role();
        uncheckedRead(() -> session.relay(packet, relay -> ranLocallyWithLocks(c, sql, sent),
                new ResponseRelay.ErrorInterceptor() {
                    @Override
                    public boolean intercept(int errorCode) {
                        return errorCode == ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION;
                    }

                    @Override
                    public void intercepted(ResponseRelay relay, ErrPacket error) {
                        fail(cluster.role().isLeader() ? preparedWriteError() : followerError(cluster.role()));
                    }
                }));
    }

    private static ErrPacket preparedWriteError() {
        return notSupported("prepared statements that the classifier takes for reads but that write (a stored"
                + " function called from a SELECT) in a cluster; call the function with DO or CALL");
    }

    private void route(byte[] payload, String sql, Classification c) {
        route(payload, sql, c, LeaderWait.start());
    }

    private void route(byte[] payload, String sql, Classification c, LeaderWait wait) {
        ClusterRole role = cluster.role();
        if (endedLostTerm(role)) {
            return;
        }
        AccessModeChange mode = AccessModeChange.of(c);
        if (mode != AccessModeChange.NONE) {
            Optional<ErrPacket> refused = accessMode.set(c, inTransaction());
            if (refused.isPresent()) {
                fail(refused.get());
                return;
            }
        }
        if (mode == AccessModeChange.ONLY_ACCESS_MODE) {
            // The engine session stays read-only whatever the client asks: the operator keeps the client's mode.
            reply(session.state().statusFlags());
            return;
        }
        if (mode == AccessModeChange.NONE && c.accessMode() != AccessMode.UNCHANGED
                && c.transaction() != TransactionEffect.BEGIN && c.transaction() != TransactionEffect.BEGIN_READ_ONLY) {
            // SET STATEMENT tx_read_only = 0 FOR ...: it would run a statement outside the read-only net.
            fail(notSupported("changing the transaction access mode with SET STATEMENT in a cluster"));
            return;
        }
        if (mode == AccessModeChange.MIXED) {
            if (c.multiStatement()) {
                fail(notSupported("changing the transaction access mode together with other statements in one text"));
                return;
            }
            // Forwarded for its other effects (the isolation level); read-only mode is restored before the next
            // command.
            readOnlyApplied = false;
        }
        switch (asAsked(c)) {
            case ENGINE_REFUSES -> {
                refuseAsAsked(() -> relay(payload, c, (ReadOnlyRefusal) null));
                return;
            }
            case READ_ONLY_TRANSACTION -> {
                transaction(payload, sql, c, TransactionEffect.BEGIN_READ_ONLY);
                return;
            }
            case AS_USUAL -> { }
        }
        if (temporaryTables(role, payload, 1, c, payload, session.state().database())) {
            return;
        }
        if (heldForLeader(role, c, wait, next -> route(payload, sql, c, next))) {
            return;
        }
        if (maintainsThisNode(c)) {
            maintenance(payload, c);
            return;
        }
        if (forwardsNow(role)) {
            if (forwarded.belongsOnLeader(c, sql)) {
                forwarded.query(payload, c, sql,
                        error -> forwardFailed(error, c, wait, () -> route(payload, sql, c, wait)));
            } else {
                // The read-only net: a write the classifier took for a read was refused here, so it ran nowhere yet.
                relay(payload, c, (relay, error) -> {
                    if ("PREPARE".equals(c.keyword())) {
                        // PREPARE of a write: its EXECUTE is refused in a cluster, so say so now, as the leader does
                        fail(notSupported(EXECUTE_REFUSAL));
                    } else {
                        forwarded.query(payload, c, sql, this::fail);
                    }
                });
            }
            return;
        }
        if (!role.isLeader()) {
            if (c.transaction() == TransactionEffect.BEGIN && c.kind() == StatementKind.TRANSACTION) {
                // A follower's transactions are read-only, whatever the client asked for.
                engine(List.of("START TRANSACTION READ ONLY"), outcomes -> reply(outcomes.getLast().statusFlags()));
                return;
            }
            if (needsLeader(c)) {
                fail(followerError(role));
            } else {
                relay(payload, c, (relay, error) -> fail(followerError(role)));
            }
            return;
        }
        if (c.kind() == StatementKind.WRITE && "CALL".equals(c.keyword()) && isChecksumCall(sql)) {
            checksum(c);
            return;
        }
        Optional<ErrPacket> refusal = refusal(sql, c, payload, 1, session.state().database());
        if (refusal.isPresent()) {
            fail(refusal.get());
            return;
        }
        boolean autocommit = ServerStatus.has(session.state().statusFlags(), ServerStatus.SERVER_STATUS_AUTOCOMMIT);
        TransactionEffect effect = c.transaction();
        switch (c.kind()) {
            case DDL -> finishThen(() -> ddl(payload, sql, c));
            case WRITE -> write(payload, sql, c, xa == null && autocommit);
            case TRANSACTION -> transaction(payload, sql, c, effect);
            default -> {
                if (xa == null && !autocommit && c.kind() != StatementKind.SESSION && c.kind() != StatementKind.EMPTY
                        && !accessMode.transactionReadOnly()) {
                    // With autocommit off every statement opens a transaction: make it an XA transaction now,
                    // so a write later in it can be prepared.
                    startXa(true, status -> relayOnLeader(payload, sql, c));
                } else {
                    relayOnLeader(payload, sql, c);
                }
            }
        }
    }

    /** What the client's own access mode (see {@link ClientAccessMode}) makes of a statement. */
    private enum ReadOnlyAsAsked {
        /** Nothing: routed as usual. */
        AS_USUAL,
        /** It may change data in a read-only transaction: this node's read-only engine answers it, as MariaDB does. */
        ENGINE_REFUSES,
        /** A BEGIN while the client's mode is read-only: a read-only transaction here. */
        READ_ONLY_TRANSACTION
    }

    private ReadOnlyAsAsked asAsked(Classification c) {
        boolean inTransaction = inTransaction();
        boolean readOnly = accessMode.readOnly(c, inTransaction,
                ServerStatus.has(session.state().statusFlags(), ServerStatus.SERVER_STATUS_AUTOCOMMIT));
        if (!readOnly || ForwardedSession.takesAdvisoryLocks(c)) {
            // advisory locks are no data, and live on the leader whatever the mode
            return ReadOnlyAsAsked.AS_USUAL;
        }
        if (c.transaction() == TransactionEffect.BEGIN) {
            // inside an open transaction a BEGIN first commits it: that takes the usual way
            return inTransaction || c.multiStatement() ? ReadOnlyAsAsked.AS_USUAL : ReadOnlyAsAsked.READ_ONLY_TRANSACTION;
        }
        return ClientAccessMode.changesData(c) ? ReadOnlyAsAsked.ENGINE_REFUSES : ReadOnlyAsAsked.AS_USUAL;
    }

    /**
     * A statement that may change data while the client's mode is read-only ({@link ReadOnlyAsAsked#ENGINE_REFUSES}):
     * {@code relayHere} gives it to this node's read-only engine session, which answers it as MariaDB does.
     */
    private void refuseAsAsked(Runnable relayHere) {
        if (xa != null) {
            // the engine session is read-write inside the operator's XA transaction: it cannot be the judge
            fail(READ_ONLY_TRANSACTION);
        } else {
            relayHere.run();
        }
    }

    private boolean inTransaction() {
        return ServerStatus.has(session.state().statusFlags(), ServerStatus.SERVER_STATUS_IN_TRANS);
    }

    /**
     * Whether {@code c} is an ADMIN statement that commits implicitly ({@code OPTIMIZE}, {@code REPAIR}, {@code
     * ANALYZE} and {@code CHECK TABLE}, {@code FLUSH}, {@code INSTALL PLUGIN} ...), alone in its text: it is this
     * node's business (its storage, statistics, caches, plugins) and runs on this node's engine only, never
     * replicated. A follower's session pinned to its forwarded session sends it there with everything else.
     */
    private boolean maintainsThisNode(Classification c) {
        return c.kind() == StatementKind.ADMIN && c.implicitCommit() && !c.multiStatement()
                && (forwarded == null || !forwarded.pinned());
    }

    /**
     * Runs an ADMIN statement on this node's engine ({@link #maintainsThisNode}). As in MariaDB it commits the
     * session's open transaction first: on the leader an XA transaction, which the statement could not run in, is
     * committed (and replicated) as by COMMIT. It runs read-write: the engine refuses {@code OPTIMIZE} and {@code
     * REPAIR TABLE} (and {@code INSTALL PLUGIN}) in a read-only session, and MariaDB 11.4 answers {@code ANALYZE
     * TABLE} there with "Operation failed" rather than an error. None of these changes rows, and none is replicated:
     * {@code OPTIMIZE} rebuilds this node's copy of the table without changing its rows, as MariaDB's {@code OPTIMIZE LOCAL} does, so each node can be rebuilt in
     * its own time rather than all at once; {@code REPAIR} mends this node's copy of a MyISAM or Aria table.
     */
    private void maintenance(byte[] payload, Classification c) {
        finishThen(() -> readWrite(() -> { }, () -> relay(payload, c, (ReadOnlyRefusal) null)));
    }

    private void transaction(byte[] payload, String sql, Classification c, TransactionEffect effect) {
        switch (effect) {
            case BEGIN -> finishThen(() -> {
                unlockTables(); // as in MariaDB, a transaction starts without table locks
                startXa(true, status -> reply(okStatus(status)));
            });
            case LOCK_TABLES, UNLOCK_TABLES -> {
                if (c.multiStatement()) {
                    // LOCK TABLES runs its text read-write: nothing else may ride along.
                    fail(notSupported("LOCK TABLES or UNLOCK TABLES together with other statements in one text, in a"
                            + " cluster; send them one by one"));
                } else if (effect == TransactionEffect.LOCK_TABLES) {
                    lockTables(payload, c);
                } else if (tablesLocked) {
                    finishThen(() -> {
                        unlockTables();
                        relay(payload, c, (ReadOnlyRefusal) null);
                    });
                } else {
                    relay(payload, c, (ReadOnlyRefusal) null);
                }
            }
            case BEGIN_READ_ONLY -> finishThen(() -> {
                unlockTables(); // as in MariaDB, a transaction starts without table locks
                relay(payload, c, (ReadOnlyRefusal) null);
            });
            case AUTOCOMMIT_ON -> finishThen(() -> relay(payload, c, (ReadOnlyRefusal) null));
            case COMMIT -> {
                if (xa == null) {
                    relay(payload, c, (ReadOnlyRefusal) null);
                } else {
                    commitXa(status -> reply(status & ~ServerStatus.SERVER_STATUS_IN_TRANS));
                }
            }
            case ROLLBACK -> {
                if (xa == null) {
                    relay(payload, c, (ReadOnlyRefusal) null);
                } else {
                    rollbackXa(status -> reply(status & ~ServerStatus.SERVER_STATUS_IN_TRANS));
                }
            }
            default -> {
                // SAVEPOINT, ROLLBACK TO SAVEPOINT, RELEASE SAVEPOINT, SET autocommit = 0, UNLOCK TABLES:
                // inside a replicated transaction the savepoint statements replay as written.
                if (xa != null && c.keyword().matches("SAVEPOINT|ROLLBACK|RELEASE")) {
                    Xa open = xa;
                    relay(payload, c, relay -> open.statements.add(ReplicatedStatement.of(sql)));
                } else {
                    relay(payload, c, (ReadOnlyRefusal) null);
                }
            }
        }
    }

    /** A read, session statement or admin statement on the leader; a refused write gets its second chance. */
    private void relayOnLeader(byte[] payload, String sql, Classification c) {
        uncheckedRead(() -> relay(payload, c, (relay, error) -> {
            // The classifier saw no write, but the engine refused one (a stored function called from a SELECT):
            // run the statement again as a write. The refused attempt changed nothing.
            if ("PREPARE".equals(c.keyword())) {
                // PREPARE of a write: EXECUTE is refused in a cluster, so say so now.
                fail(notSupported(EXECUTE_REFUSAL));
                return;
            }
            log.debug("conn={} - engine refused a write the classifier missed; replicating it", session.connectionId());
            boolean autocommit = ServerStatus.has(session.state().statusFlags(), ServerStatus.SERVER_STATUS_AUTOCOMMIT);
            write(payload, sql, c, xa == null && autocommit);
        }));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Writes on the leader

    /**
     * A write as the client sent it: the command to relay, the statement text in the client's bytes (from {@code
     * textOffset}), and for COM_STMT_EXECUTE the decoded parameters.
     */
    private record WriteSource(byte[] command, String classifiedSql, Classification c, byte[] text, int textOffset,
            PreparedStatements.Execution execution) {

        static WriteSource query(byte[] payload, String sql, Classification c) {
            return new WriteSource(payload, sql, c, payload, 1, null);
        }
    }

    private void write(byte[] payload, String sql, Classification c, boolean wrap) {
        write(WriteSource.query(payload, sql, c), wrap);
    }

    private void write(WriteSource source, boolean wrap) {
        if (xa == null) {
            // The write barrier first, then XA START and the write's context in one round trip. A session under
            // LOCK TABLES holds the barrier alone already.
            boolean shared = !tablesLocked;
            Runnable release = shared ? gate::releaseShared : () -> { };
            (shared ? gate.acquireShared() : CompletableFuture.<Void>completedFuture(null)).thenRunAsync(() -> {
                if (xa != null) {
                    release.run();
                    write(source, wrap);
                    return;
                }
                WritePlan plan = WritePlan.of(source.c(), nowMicros());
                startXa(false, plan.before(), release, (status, extra) -> {
                    xa.gateHeld = shared;
                    run(xa, source, wrap, plan, extra);
                });
            }, session.context().executor());
            return;
        }
        Xa open = xa;
        if (!open.gateHeld && !tablesLocked) {
            gate.acquireShared().thenRunAsync(() -> {
                if (xa != open) {
                    gate.releaseShared();
                    fail(new ErrPacket(1105, "HY000", "the session's transaction ended while waiting"));
                    return;
                }
                open.gateHeld = true;
                write(source, wrap);
            }, session.context().executor());
            return;
        }
        WritePlan plan = WritePlan.of(source.c(), nowMicros());
        engine(plan.before(), outcomes -> run(open, source, wrap, plan, outcomes));
    }

    /**
     * What a write reads and pins right before it runs: its context (the user variables it reads among it), the
     * clock and the RAND() seeds.
     */
    private record WritePlan(List<String> variables, long micros, Optional<ReplayHints.RandSeed> seed) {

        static WritePlan of(Classification c, long micros) {
            Optional<ReplayHints.RandSeed> seed = c.determinism().contains(Determinism.NEEDS_RAND_SEED)
                    ? Optional.of(new ReplayHints.RandSeed(randomSeed(), randomSeed())) : Optional.empty();
            return new WritePlan(c.userVariablesRead(), micros, seed);
        }

        /** The statements, in this order: the context query, the pin. */
        List<String> before() {
            return List.of("SET STATEMENT character_set_results = utf8mb4 FOR " + WriteContext.query(variables),
                    pin(micros, seed));
        }
    }

    /** Runs the client's write once its context was read ({@code outcomes} of {@link WritePlan#before()}). */
    private void run(Xa open, WriteSource source, boolean wrap, WritePlan plan, List<Outcome> outcomes) {
        Classification c = source.c();
        List<String> variables = plan.variables();
        long micros = plan.micros();
        Optional<ReplayHints.RandSeed> seed = plan.seed();
        WriteContext context = WriteContext.parse(outcomes.getFirst(), variables);
        clockPinned = true;
        Charset charset = Charsets.forName(context.session().characterSetClient());
        BinaryLiterals.Session reading = new BinaryLiterals.Session(context.session().characterSetClient(),
                context.session().characterSetConnection(), charset, context.session().sqlMode());
        String decoded = Charsets.decode(source.text(), source.textOffset(), charset);
        String text;
        if (decoded != null) {
            text = decoded;
        } else {
            // Raw bytes in string literals (a BLOB sent inline): the log carries them as hex literals.
            BinaryLiterals.Result logged = BinaryLiterals.toLog(source.text(), source.textOffset(), reading);
            if (logged instanceof BinaryLiterals.Refused(String reason)) {
                abortWrite(wrap, invalidText(context, "in the statement: " + reason));
                return;
            }
            text = ((BinaryLiterals.Logged) logged).sql();
        }
        List<BoundValue> parameters = source.execution() == null ? List.of()
                : source.execution().bound(charset, reading.plainStringsKeepTheirBytes());
        if (parameters == null) {
            abortWrite(wrap, invalidText(context, "in a string parameter, which the engine converted to "
                    + context.session().characterSetConnection() + "; bind it as a BLOB"));
            return;
        }
        if (open.context == null) {
            open.context = context;
        } else if (!open.context.session().equals(context.session())) {
            // The session changed variables inside the transaction: replay the change at this point.
            SessionChange.statements(open.context.session(), context.session())
                    .forEach(change -> open.statements.add(ReplicatedStatement.of(change)));
            open.context = new WriteContext(context.session(), context.lastInsertId(), Map.of(),
                    open.context.account(), open.context.isolation());
        }
        Packet command = new Packet(0, Unpooled.wrappedBuffer(source.command()));
        boolean foundRows = (session.capabilities() & CapabilityFlags.CLIENT_FOUND_ROWS) != 0;
        // LOAD DATA LOCAL INFILE: the file the client sends travels in the entry, and followers load its bytes.
        boolean keepsFile = c.determinism().contains(Determinism.LOCAL_INFILE);
        InfileForwarder infile = keepsFile ? InfileForwarder.keeping(cluster.maxEntryBytes())
                : InfileForwarder.forwarding();
        if (wrap) {
            HeldResponse held = new HeldResponse(session.context(), session.backend(), command,
                    session.backendCapabilities(), infile, response -> {
                if (response.failure() != null) {
                    session.backendLost(response.failure(), false);
                    return;
                }
                Diagnostics left = diagnosticsOf(response.tracker());
                if (response.tracker().endedInError()) {
                    IntConsumer answer = status -> {
                        diagnostics = left;
                        response.release(true);
                        session.commandComplete(status & ~ServerStatus.SERVER_STATUS_IN_TRANS);
                    };
                    endIfRolledBack(() -> rollbackXa(answer), answer, failure -> {
                        response.discard();
                        session.backendLost(failure, false);
                    });
                    return;
                }
                if (infile.overflowed()) {
                    response.discard();
                    rollbackXa(status -> fail(fileTooLarge()));
                    return;
                }
                open.statements.add(withFile(statement(text, parameters, c, context, micros, seed,
                        response.tracker().lastInsertId(), affectedRows(response.tracker(), foundRows, c, text)),
                        keepsFile, infile));
                open.rowWrites = -1;
                Runnable commit = () -> commitXa(status -> {
                    diagnostics = left;
                    response.release(true, session::lastPacket);
                    session.commandComplete(status & ~ServerStatus.SERVER_STATUS_IN_TRANS);
                }, response::discard);
                if (response.tracker().warnings() == 0) {
                    commit.run();
                    return;
                }
                // XA END, PREPARE and COMMIT clear the engine's warnings: keep them for the client's SHOW WARNINGS.
                SavedWarnings.take(session.backend()).whenCompleteAsync((saved, failure) -> {
                    if (failure != null) {
                        response.discard();
                        dropTransaction();
                        session.backendLost(failure, false);
                        return;
                    }
                    warnings = saved;
                    commit.run();
                }, session.context().executor());
            });
            session.begin(held);
            held.start();
        } else {
            open.rowWrites = -1;
            session.relay(command, relay -> {
                session.statementSucceeded(c);
                // the row-write count taken before the transaction's next read resets the engine's ROW_COUNT()
                diagnostics = diagnosticsOf(relay.tracker());
                if (infile.overflowed()) {
                    // The client has its OK already; the transaction cannot commit.
                    open.unreplicable = fileTooLarge().message();
                    return;
                }
                open.statements.add(withFile(statement(text, parameters, c, context, micros, seed,
                        relay.tracker().lastInsertId(), affectedRows(relay.tracker(), foundRows, c, text)),
                        keepsFile, infile));
            }, null, infile);
        }
    }

    /**
     * The rows a statement changed, for comparing replays: unknown when the statement returned rows (a SELECT
     * calling a function that writes, CALL), and when the client counts matched rather than changed rows
     * (CLIENT_FOUND_ROWS), which differs only for updates.
     */
    private static long affectedRows(io.fluxdb.protocol.codec.ResponseTracker tracker, boolean foundRows,
            Classification c, String sql) {
        if (tracker.numColumns() > 0 || tracker.results() > 1) {
            return -1;
        }
        boolean countsAgree = switch (c.keyword()) {
            case "DELETE", "REPLACE", "LOAD" -> true;
            case "INSERT" -> !sql.toUpperCase(java.util.Locale.ROOT).contains("DUPLICATE");
            default -> false;
        };
        return foundRows && !countsAgree ? -1 : tracker.affectedRows();
    }

    private static ReplicatedStatement statement(String text, List<BoundValue> parameters, Classification c,
            WriteContext context, long micros, Optional<ReplayHints.RandSeed> seed, long insertId, long affectedRows) {
        ReplayHints hints = new ReplayHints(
                insertId != 0 ? OptionalLong.of(insertId) : OptionalLong.empty(),
                c.determinism().contains(Determinism.NEEDS_LAST_INSERT_ID)
                        ? OptionalLong.of(context.lastInsertId()) : OptionalLong.empty(),
                seed, OptionalLong.of(micros), context.userVariables());
        return new ReplicatedStatement(text, parameters, hints,
                affectedRows >= 0 ? OptionalLong.of(affectedRows) : OptionalLong.empty());
    }

    private static ReplicatedStatement withFile(ReplicatedStatement statement, boolean keepsFile,
            InfileForwarder infile) {
        return keepsFile ? new ReplicatedStatement(statement.sql(), statement.parameters(),
                statement.hints().withLocalInfile(infile.contents()), statement.affectedRows()) : statement;
    }

    private ErrPacket fileTooLarge() {
        return new ErrPacket(ER_TRANS_CACHE_FULL, "HY000", "The file of LOAD DATA LOCAL INFILE is larger than a"
                + " replicated transaction may be (" + cluster.maxEntryBytes() + " bytes); the statement was rolled"
                + " back. Load the data in smaller files");
    }

    private void abortWrite(boolean wrap, ErrPacket error) {
        if (wrap) {
            rollbackXa(status -> fail(error));
        } else {
            fail(error);
        }
    }

    /**
     * Opens an XA transaction; READ WRITE, and REPEATABLE READ at least, since replay is only exact there. In one
     * round trip: it starts at the session's isolation level, and is ended and started again at REPEATABLE READ in
     * the rare case that level turns out weaker.
     *
     * @param baseline whether to read the session's row-write count too (for a transaction that may read first)
     */
    private void startXa(boolean baseline, IntConsumer then) {
        startXa(baseline, List.of(), () -> {}, (status, extra) -> then.accept(status));
    }

    /** What runs once the XA transaction is open: its status flags and the outcomes of the extra statements. */
    @FunctionalInterface
    private interface XaStarted {
        void accept(int status, List<Outcome> extra);
    }

    /**
     * {@link #startXa(boolean, IntConsumer)} with {@code extra} statements run in the same batch right after XA
     * START; {@code onFailure} runs when the batch fails (the transaction is then not open).
     */
    private void startXa(boolean baseline, List<String> extra, Runnable onFailure, XaStarted then) {
        long term = cluster.role().term();
        String id = books.newTransactionId(term);
        List<String> start = new ArrayList<>(5 + extra.size());
        if (clockPinned) {
            // folded in here rather than sent before BEGIN on its own
            start.add("SET timestamp = DEFAULT");
        }
        int first = start.size();
        start.addAll(List.of("SELECT @@session.tx_isolation", "SET TRANSACTION READ WRITE", "XA START " + quoted(id)));
        if (baseline) {
            start.add(ROW_WRITES);
        }
        start.addAll(extra);
        startingXa(start, List.of(id), onFailure, outcomes -> {
            clockPinned = false;
            String isolation = outcomes.get(first).text(0);
            if ("READ-COMMITTED".equals(isolation) || "READ-UNCOMMITTED".equals(isolation)) {
                String retry = books.newTransactionId(term);
                List<String> again = new ArrayList<>(List.of("XA END " + quoted(id), "XA ROLLBACK " + quoted(id),
                        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ WRITE", "XA START " + quoted(retry),
                        ROW_WRITES));
                again.addAll(extra);
                startingXa(again, List.of(id, retry), onFailure, retried -> started(retry, term, retried.get(4),
                        retried.get(3).statusFlags(), retried.subList(retried.size() - extra.size(), retried.size()),
                        then));
                return;
            }
            started(id, term, baseline ? outcomes.get(first + 3) : null, outcomes.get(first + 2).statusFlags(),
                    outcomes.subList(outcomes.size() - extra.size(), outcomes.size()), then);
        });
    }

    /**
     * Runs a batch that opens an XA transaction. When any statement of it fails, the transactions it may have opened
     * ({@code ids}) are rolled back before the client hears the error: one left open would take the session's next
     * statements into it, unknown to the operator.
     */
    private void startingXa(List<String> statements, List<String> ids, Runnable onFailure,
            Consumer<List<Outcome>> then) {
        EngineStatements.run(session.backend(), statements).whenCompleteAsync((outcomes, failure) -> {
            if (failure != null) {
                onFailure.run();
                engineFailure(failure);
                return;
            }
            Optional<Outcome> refused = outcomes.stream().filter(o -> !o.ok()).findFirst();
            if (refused.isEmpty()) {
                accept(then, outcomes);
                return;
            }
            List<String> undo = new ArrayList<>();
            ids.forEach(id -> undo.addAll(List.of("XA END " + quoted(id), "XA ROLLBACK " + quoted(id))));
            EngineStatements.run(session.backend(), undo).whenCompleteAsync((ignored, undoFailure) -> {
                onFailure.run();
                if (undoFailure != null) {
                    engineFailure(undoFailure);
                } else {
                    fail(refused.get().error());
                }
            }, session.context().executor());
        }, session.context().executor());
    }

    private void started(String id, long term, Outcome rowWrites, int status, List<Outcome> extra,
            XaStarted then) {
        xa = new Xa(id, term);
        if (rowWrites != null) {
            xa.rowWrites = Long.parseLong(rowWrites.text(0));
        }
        then.accept(status, extra);
    }

    /** Ends an open XA transaction as COMMIT does, then runs {@code then} (implicit commit before DDL, BEGIN ...). */
    private void finishThen(Runnable then) {
        if (xa == null) {
            then.run();
        } else {
            commitXa(status -> then.run());
        }
    }

    private void commitXa(IntConsumer then) {
        commitXa(then, () -> {});
    }

    /**
     * Prepare, append, commit. {@code onFailure} runs before the client gets an error or loses its connection.
     */
    private void commitXa(IntConsumer then, Runnable onFailure) {
        Xa open = xa;
        String id = quoted(open.id);
        if (open.unreplicable != null) {
            String reason = open.unreplicable;
            rollbackXa(status -> {
                onFailure.run();
                fail(new ErrPacket(ER_BINLOG_UNSAFE_STATEMENT, "HY000", "Unsafe statement for replication: " + reason
                        + ". The transaction was rolled back."));
            });
            return;
        }
        if (open.statements.isEmpty()) {
            // Nothing was written: nothing to replicate.
            engine(List.of("XA END " + id, "XA COMMIT " + id + " ONE PHASE"), outcomes -> {
                dropTransaction();
                then.accept(outcomes.getLast().statusFlags());
            });
            return;
        }
        EngineStatements.run(session.backend(), List.of(
                LeaderCommits.insertStatement(open.id), "XA END " + id, "XA PREPARE " + id))
                .whenCompleteAsync((outcomes, failure) -> {
                    if (failure != null) {
                        onFailure.run();
                        dropTransaction();
                        session.backendLost(failure, false);
                        return;
                    }
                    Optional<Outcome> refused = outcomes.stream().filter(o -> !o.ok()).findFirst();
                    if (refused.isPresent()) {
                        // The transaction could not be prepared (rolled back by a deadlock, for one): it is not
                        // in the log and never will be.
                        rollbackXa(status -> {
                            onFailure.run();
                            fail(refused.get().error());
                        });
                        return;
                    }
                    submit(open, then, onFailure);
                }, session.context().executor());
    }

    private void submit(Xa open, IntConsumer then, Runnable onFailure) {
        if (!leadsIn(cluster.role(), open.term)) {
            // Deposed (or leading again in a later term) since the transaction began: its reads and writes here
            // predate entries of other leaders, so it must not reach the log now, even if this node could append.
            dropTransaction();
            rollBackUnreplicated(open, onFailure);
            return;
        }
        LogEntryContent entry = new LogEntryContent(EntryKind.TRANSACTION, open.statements.getFirst().hints()
                .timestampMicros().orElse(nowMicros()), cluster.localNodeId(), session.connectionId(),
                open.context.session(), Optional.of(open.context.account()), Optional.of(open.id), open.statements);
        cluster.submit(entry).whenCompleteAsync((result, failure) -> {
            if (failure == null) {
                commitPrepared(open, result, then, onFailure);
                return;
            }
            Throwable cause = Failures.cause(failure);
            dropTransaction();
            if (cause instanceof ClusterException e && e.reason() == ClusterException.Reason.NOT_LEADER) {
                rollBackUnreplicated(open, onFailure);
                return;
            }
            if (cause instanceof IllegalArgumentException) {
                // The log refused the entry before appending it (too large): certainly not in the log.
                engine(List.of("XA ROLLBACK " + quoted(open.id)), outcomes -> {
                    onFailure.run();
                    fail(new ErrPacket(ER_TRANS_CACHE_FULL, "HY000", "The transaction is too large to replicate ("
                            + cause.getMessage() + "); it was rolled back. Split it into smaller transactions"));
                });
                return;
            }
            // The entry may or may not be in the log. The transaction stays prepared in the engine until the log
            // decides; the client must not hear "failed" for a write that may still commit.
            log.warn("conn={} - outcome of transaction {} unknown ({}); closing the client connection",
                    session.connectionId(), open.id, cause.toString());
            onFailure.run();
            session.closeUnanswered();
        }, session.context().executor());
    }

    /** A prepared transaction certainly not in the log: undone everywhere it exists, which is here. */
    private void rollBackUnreplicated(Xa open, Runnable onFailure) {
        engine(List.of("XA ROLLBACK " + quoted(open.id)), outcomes -> {
            onFailure.run();
            fail(new ErrPacket(ER_OPTION_PREVENTS_STATEMENT, "HY000", "This FluxDB node stopped being the leader"
                    + " before the transaction was replicated; it was rolled back. Retry on the leader"
                    + leaderHint(cluster.role()) + "."));
        });
    }

    private void commitPrepared(Xa open, CommitResult result, IntConsumer then, Runnable onFailure) {
        EngineStatements.runAll(session.backend(), List.of("XA COMMIT " + quoted(open.id)))
                .whenCompleteAsync((outcomes, failure) -> {
                    dropTransaction();
                    if (failure != null) {
                        // Committed in the log; replication commits the prepared transaction in the engine.
                        cluster.settle(result.index(), false);
                        onFailure.run();
                        session.backendLost(Failures.cause(failure),
                                false);
                        return;
                    }
                    cluster.settle(result.index(), true);
                    session.committed(result.index());
                    then.accept(outcomes.getLast().statusFlags());
                }, session.context().executor());
    }

    /** Whether this node leads in {@code term}: what a transaction or LOCK TABLES taken in that term needs. */
    private static boolean leadsIn(ClusterRole role, long term) {
        return role.isLeader() && role.term() == term;
    }

    /**
     * Ends the session's open transaction, or its LOCK TABLES, if this node no longer leads in the term it was taken
     * in, and says whether it did. The prologue checks this too, but a statement is routed later (after the prologue's own round trip to the engine,
     * or a wait for a leader), and it is the role the routing decision reads that counts: a node deposed in between
     * would otherwise send the statement to the new leader as an autocommit statement, committing it alone while the
     * rest of the transaction is rolled back here.
     */
    private boolean endedLostTerm(ClusterRole role) {
        if (!lostTerm(role)) {
            return false;
        }
        endLostTerm(role);
        return true;
    }

    /**
     * Whether the session holds something that only counts while this node leads in the term it was taken in: an
     * open transaction, or the locks of LOCK TABLES.
     */
    private boolean lostTerm(ClusterRole role) {
        return (xa != null && !leadsIn(role, xa.term)) || tablesLockLost
                || (tablesLocked && !leadsIn(role, tablesLockTerm))
                || (advisoryLocks && !leadsIn(role, advisoryLocksTerm));
    }

    /** Ends what {@link #lostTerm} found, and with it the client's connection. */
    private void endLostTerm(ClusterRole role) {
        if (xa != null) {
            unlockTables();
            abandonTransaction();
            return;
        }
        if (tablesLocked || tablesLockLost) {
            // The barrier LOCK TABLES holds is this node's, which other writers no longer pass through.
            log.info("conn={} - this node stopped leading while the session held LOCK TABLES; the connection is"
                    + " closed", session.connectionId());
            unlockTables();
            tablesLockLost = false;
            session.failAndClose(new ErrPacket(ER_OPTION_PREVENTS_STATEMENT, "HY000", "This FluxDB node stopped being"
                    + " the leader while the session held LOCK TABLES; the locks were released. Reconnect and lock"
                    + " again" + leaderHint(role)));
            return;
        }
        abandonAdvisoryLocks(role);
    }

    /** The node stopped leading in the term the session's advisory locks were taken: see {@link #advisoryLocks}. */
    private void abandonAdvisoryLocks(ClusterRole role) {
        advisoryLocksLost();
        session.failAndClose(new ErrPacket(ER_OPTION_PREVENTS_STATEMENT, "HY000", "This FluxDB node stopped being the"
                + " leader while the session held advisory locks (GET_LOCK); they are released with this connection,"
                + " as another node's sessions may take them now. Reconnect and take them again" + leaderHint(role)));
    }

    /**
     * This node lost its leadership (or led again in a later term) while the session's transaction was open on its
     * engine: the transaction cannot commit, since its writes here reach the log only through this term's leader,
     * and sending its remaining statements to the new leader would commit part of it (those statements, without the
     * writes made here) and let a COMMIT there answer OK for writes that never left this node. It is rolled back,
     * and the client is told so and loses its connection, as from a server that went away mid-transaction, so that
     * it cannot go on to commit what is left.
     */
    private void abandonTransaction() {
        String id = xa.id;
        log.info("conn={} - this node stopped leading while transaction {} was open; it is rolled back and the"
                + " connection closed", session.connectionId(), id);
        rollbackXa(status -> session.failAndClose(new ErrPacket(ER_OPTION_PREVENTS_STATEMENT, "HY000", "This FluxDB"
                + " node stopped being the leader while the transaction was open; the transaction was rolled back."
                + " Reconnect and run it again" + leaderHint(cluster.role()))));
    }

    /**
     * The engine answered the running command with an error, which the client has; {@code complete} completes the
     * command with status flags. A statement of the session's open transaction that failed may have taken the whole
     * transaction with it (see {@link #endIfRolledBack}): then it is ended before the client's next command, which so
     * finds the session in autocommit state, as with MariaDB directly.
     */
    void engineFailed(int statusFlags, IntConsumer complete) {
        endIfRolledBack(() -> complete.accept(statusFlags), status -> {
            diagnostics = AFTER_ERROR; // the engine's ROW_COUNT() is the XA ROLLBACK's now
            complete.accept(status);
        }, failure -> session.backendLost(failure, true));
    }

    /** What an error leaves for {@code ROW_COUNT()} (-1); the warning counts stay the engine's. */
    private static final Diagnostics AFTER_ERROR = new Diagnostics(-1, -1, -1);

    /**
     * After a statement of the session's open XA transaction failed: some errors make InnoDB roll back the whole
     * transaction, not only the statement (a deadlock, 1213, always; a lock wait timeout, 1205, with {@code
     * innodb_rollback_on_timeout}; a full lock table, 1206), and leave the XA transaction in the ROLLBACK ONLY state,
     * in which the engine refuses every statement that reads a table until XA ROLLBACK. Rather than follow the
     * engine's list of such errors, the operator asks the engine: {@code @@in_transaction} is 1 in any XA transaction
     * still open, 0 in one rolled back, and reading it neither fails in that state nor clears the warnings. A rolled
     * back transaction ends at once (XA END and XA ROLLBACK, the client's warnings kept for its SHOW WARNINGS),
     * releasing the write barrier with it; nothing of it reaches the log. Runs {@code
     * stillOpen} when there is no transaction or it is still open, {@code ended} with the status flags after
     * XA ROLLBACK, {@code lost} when the engine connection failed (the transaction is forgotten).
     */
    private void endIfRolledBack(Runnable stillOpen, IntConsumer ended, Consumer<Throwable> lost) {
        Xa open = xa;
        if (open == null) {
            stillOpen.run();
            return;
        }
        afterEngine(List.of("SELECT @@in_transaction"), open, lost, probed -> {
            if (!"0".equals(probed.getFirst().text(0))) {
                stillOpen.run();
                return;
            }
            log.debug("conn={} - the engine rolled transaction {} back; it is ended", session.connectionId(), open.id);
            // The engines differ on the branch's state now: MariaDB 10.11 has it ROLLBACK ONLY, where XA END fails,
            // 11.4 still ACTIVE, where XA ROLLBACK fails before XA END. Both are sent, and the client's warnings
            // (the error that rolled it back) are kept first, since a failing XA statement would replace them.
            SavedWarnings.take(session.backend()).whenCompleteAsync((saved, failure) -> {
                if (failure != null) {
                    if (xa == open) {
                        dropTransaction();
                    }
                    lost.accept(Failures.cause(failure));
                    return;
                }
                String id = quoted(open.id);
                EngineStatements.run(session.backend(), List.of("XA END " + id, "XA ROLLBACK " + id))
                        .whenCompleteAsync((outcomes, broken) -> {
                            if (xa == open) {
                                dropTransaction();
                            }
                            if (broken != null || !outcomes.getLast().ok()) {
                                saved.release();
                                lost.accept(broken != null ? Failures.cause(broken) : new IllegalStateException(
                                        "XA ROLLBACK failed: " + outcomes.getLast().error().message()));
                                return;
                            }
                            SavedWarnings earlier = takeWarnings();
                            if (earlier != null) {
                                earlier.release();
                            }
                            warnings = saved;
                            ended.accept(outcomes.getLast().statusFlags());
                        }, session.context().executor());
            }, session.context().executor());
        });
    }

    /**
     * Runs operator statements on transaction {@code open} for a command whose answer the client may have already:
     * a failure forgets the transaction and goes to {@code lost}, never to the client as an answer.
     */
    private void afterEngine(List<String> statements, Xa open, Consumer<Throwable> lost,
            Consumer<List<Outcome>> then) {
        EngineStatements.runAll(session.backend(), statements).whenCompleteAsync((outcomes, failure) -> {
            if (failure != null) {
                if (xa == open) {
                    dropTransaction();
                }
                lost.accept(Failures.cause(failure));
                return;
            }
            then.accept(outcomes);
        }, session.context().executor());
    }

    private void rollbackXa(IntConsumer then) {
        String id = quoted(xa.id);
        // XA END fails when the engine already rolled the branch back (a deadlock); the rollback still ends it.
        EngineStatements.run(session.backend(), List.of("XA END " + id, "XA ROLLBACK " + id))
                .whenCompleteAsync((outcomes, failure) -> {
                    dropTransaction();
                    if (failure != null) {
                        session.backendLost(failure, false);
                        return;
                    }
                    then.accept(outcomes.getLast().statusFlags());
                }, session.context().executor());
    }

    // ---------------------------------------------------------------------------------------------------------
    // DDL on the leader

    /**
     * How long DDL waits for the write transactions in flight to end. A transaction left open by an idle client would
     * otherwise hold it, and every write queued behind it, for ever; MariaDB bounds its metadata-lock wait the same way.
     */
    static final java.time.Duration DDL_BARRIER_WAIT = java.time.Duration.ofSeconds(10);

    /**
     * Runs {@code then} on the event loop once this session holds the write barrier alone, or fails with 1205; or with
     * 1290 if this node no longer leads by then. DDL changes the engine before its entry is appended and cannot be
     * undone, so it must not run on a node deposed while it waited for the barrier (the transactions it waited for
     * were in flight when leadership was lost, and failed with it): its statement would exist on this node only.
     */
    private void exclusively(Runnable then) {
        if (tablesLocked) {
            // LOCK TABLES holds it already: one more hold, if the term it was taken in is still this node's.
            if (!leadsIn(cluster.role(), tablesLockTerm)) {
                fail(deposedBeforeRunning());
                return;
            }
            barrierHolds++;
            then.run();
            return;
        }
        CompletableFuture<Void> barrier = gate.acquireExclusive();
        java.util.concurrent.ScheduledFuture<?> timeout = session.context().executor().schedule(() -> {
            if (gate.cancel(barrier)) {
                fail(new ErrPacket(1205, "HY000", "Lock wait timeout exceeded; try restarting transaction (FluxDB: "
                        + "this statement waited " + DDL_BARRIER_WAIT.toSeconds() + " s for the write transactions"
                        + " in flight on the leader to end)"));
            }
        }, DDL_BARRIER_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        barrier.thenRunAsync(() -> {
            timeout.cancel(false);
            barrierHolds++;
            if (!cluster.role().isLeader()) {
                releaseBarrier();
                fail(deposedBeforeRunning());
                return;
            }
            then.run();
        }, session.context().executor());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Temporary tables

    /**
     * Runs a statement on the session's temporary tables here, unreplicated, or refuses a replicated one that names
     * them; true when it did either. This applies where the session's writes run: on the leader, and on any node for a
     * session that made temporary tables while its node led. A follower's sessions make theirs on the leader, through
     * the forwarded session, which keeps them there ({@link ForwardedSession#pinned}).
     *
     * @param text the statement's text from {@code offset}, in the session's character set
     * @param command the command to relay (COM_QUERY or COM_STMT_EXECUTE)
     */
    private boolean temporaryTables(ClusterRole role, byte[] text, int offset, Classification c, byte[] command,
            Optional<String> preparedIn) {
        if (!temporaries.any() && (!c.temporaryTable() || !role.isLeader() || forwardsNow(role))) {
            return false;
        }
        byte[] statement = offset == 0 ? text : java.util.Arrays.copyOfRange(text, offset, text.length);
        switch (temporaries.decide(statement, c, parse, session.state().database())) {
            case TemporaryTables.Replicate replicate -> {
                return false;
            }
            case TemporaryTables.Refused refused -> fail(refused.error());
            case TemporaryTables.Local local -> {
                if (forwardsNow(role) && forwarded.pinned()) {
                    fail(notSupported("statements on temporary tables inside a transaction that runs on another"
                            + " node (this node stopped leading after the session made its temporary tables here)"));
                } else if (!preparedIn.equals(session.state().database())) {
                    // Its names may be bound to the database of the moment it was prepared: which table it writes
                    // cannot be told for certain.
                    fail(notSupported("a prepared statement on temporary tables executed in another current database"
                            + " than it was prepared in; prepare it again"));
                } else {
                    runTemporary(command, c, local);
                }
            }
        }
        return true;
    }

    /**
     * Runs a statement on temporary tables on this session's engine connection. Nothing it does may reach other
     * tables, since nothing of it is replicated: the engine's read-only mode refuses such a write for DML (MariaDB
     * lets a read-only session write its temporary tables); inside a replicated transaction the engine's count of
     * row writes is checked instead, at the next statement; and CREATE TEMPORARY TABLE ... SELECT, which needs a
     * read-write session, runs in a transaction of its own that is rolled back if it wrote more rows than it made.
     */
    private void runTemporary(byte[] command, Classification c, TemporaryTables.Local local) {
        Optional<String> database = session.state().database();
        boolean autocommit = ServerStatus.has(session.state().statusFlags(), ServerStatus.SERVER_STATUS_AUTOCOMMIT);
        Xa open = xa;
        TableReferences.Form form = local.form();
        boolean commits = form == TableReferences.Form.DROP || form == TableReferences.Form.TRUNCATE;
        if (commits && open != null) {
            // As in MariaDB, DROP TABLE and TRUNCATE commit the session's transaction first (XA refuses them in one).
            finishThen(() -> runTemporary(command, c, local));
            return;
        }
        if (open == null && !autocommit && !commits && cluster.role().isLeader()) {
            // With autocommit off every statement opens a transaction: a replicated one, as for any statement.
            startXa(true, status -> runTemporary(command, c, local));
            return;
        }
        if (form == TableReferences.Form.DROP) {
            // The engine drops a temporary table of a name if there is one, else the real one: sent as DROP
            // TEMPORARY TABLE, it can drop nothing else, whatever this session's list of names believes (a routine
            // may have dropped one).
            StringBuilder drop = new StringBuilder("DROP TEMPORARY TABLE ");
            if (local.ifExists()) {
                drop.append("IF EXISTS ");
            }
            drop.append(String.join(", ", local.tables().stream().map(ClusterSession::quotedName).toList()));
            byte[] text = drop.toString().getBytes(Charsets.forName(parse.characterSet()));
            readWrite(() -> { }, () -> relay(query(text), c, relay -> temporaries.ran(local, database)));
            return;
        }
        if (form == TableReferences.Form.TRUNCATE || (form == TableReferences.Form.WRITE && open != null)) {
            // Read-only mode does not hold these back (TRUNCATE needs read-write, a transaction is read-write): the
            // table must be a temporary one in fact, not only in this session's list.
            TableReferences.TableName target = local.tables().getFirst().resolve(database);
            engine(List.of("SHOW CREATE TABLE " + quotedName(target)), shown -> {
                if (!shown.getFirst().text(1).regionMatches(true, 0, "CREATE TEMPORARY TABLE", 0, 22)) {
                    temporaries.forget(target);
                    fail(new ErrPacket(1105, "HY000", "FluxDB: " + target + " is no temporary table of this session"
                            + " any more (a routine dropped it?); the statement did not run. Send it again"));
                    return;
                }
                if (open == null) {
                    readWrite(() -> { }, () -> relay(command, c, relay -> { }));
                } else {
                    inTransaction(open, command, c, local, database);
                }
            });
            return;
        }
        if (open != null) {
            inTransaction(open, command, c, local, database);
            return;
        }
        if (form == TableReferences.Form.CREATE_TEMPORARY_SELECT) {
            createTemporaryChecked(command, c, local, database);
            return;
        }
        if (!local.needsReadWrite()) {
            relay(command, c, (relay, error) -> fail(temporaryWroteElsewhere()));
            return;
        }
        // CREATE and DROP TEMPORARY TABLE evaluate nothing that could write elsewhere.
        readWrite(() -> { }, () -> relay(command, c, relay -> temporaries.ran(local, database)));
    }

    /**
     * A statement on temporary tables inside a replicated transaction: the engine session is read-write there, so the
     * rows it says it changed are the allowance the row-write count is checked against before the next statement.
     */
    private void inTransaction(Xa open, byte[] command, Classification c, TemporaryTables.Local local,
            Optional<String> database) {
        uncheckedRead(() -> relay(command, c, relay -> {
            // An UPDATE's OK counts the rows it matched for a client with CLIENT_FOUND_ROWS; the engine counts the
            // rows it changed, which its info says.
            long changed = relay.tracker().changedRows();
            open.temporaryRowWrites += changed >= 0 ? changed : Math.max(0, relay.tracker().affectedRows());
            temporaries.ran(local, database);
        }));
    }

    /** CREATE TEMPORARY TABLE ... SELECT outside a transaction: see {@link #runTemporary}. */
    private void createTemporaryChecked(byte[] command, Classification c, TemporaryTables.Local local,
            Optional<String> database) {
        startXa(true, started -> {
            Xa open = xa;
            HeldResponse held = new HeldResponse(session.context(), session.backend(),
                    new Packet(0, Unpooled.wrappedBuffer(command)), session.backendCapabilities(),
                    InfileForwarder.forwarding(), response -> {
                if (response.failure() != null) {
                    session.backendLost(response.failure(), false);
                    return;
                }
                if (response.tracker().endedInError()) {
                    rollbackXa(status -> {
                        response.release(true);
                        session.commandComplete(status & ~ServerStatus.SERVER_STATUS_IN_TRANS);
                    });
                    return;
                }
                long made = Math.max(0, response.tracker().affectedRows());
                engine(List.of(ROW_WRITES), response::discard, outcomes -> {
                    if (Long.parseLong(outcomes.getFirst().text(0)) - open.rowWrites > made) {
                        response.discard();
                        // XA ROLLBACK takes back the rows, not the table; in the transaction the session may drop it.
                        String drop = "DROP TEMPORARY TABLE IF EXISTS "
                                + quotedName(local.tables().getFirst().resolve(database));
                        engine(List.of(drop), this::dropTransaction,
                                dropped -> rollbackXa(status -> fail(temporaryWroteElsewhere())));
                        return;
                    }
                    temporaries.ran(local, database);
                    session.statementSucceeded(c);
                    engine(List.of("XA END " + quoted(open.id), "XA COMMIT " + quoted(open.id) + " ONE PHASE"), () -> {
                                response.discard();
                                dropTransaction();
                            }, ended -> {
                                dropTransaction();
                                response.release(true, session::lastPacket);
                                session.commandComplete(ended.getLast().statusFlags()
                                        & ~ServerStatus.SERVER_STATUS_IN_TRANS);
                            });
                });
            });
            session.begin(held);
            held.start();
        });
    }

    private static String quotedName(TableReferences.TableName table) {
        return table.database().map(d -> Sql.identifier(d) + ".").orElse("") + Sql.identifier(table.name());
    }

    private static ErrPacket temporaryWroteElsewhere() {
        return new ErrPacket(ER_BINLOG_UNSAFE_STATEMENT, "HY000", "Unsafe statement for replication: this statement on"
                + " a temporary table would also change other tables (through a stored function it calls), and"
                + " statements on temporary tables are not replicated; nothing changed. Write those tables with a"
                + " statement of their own");
    }

    private ErrPacket deposedBeforeRunning() {
        return new ErrPacket(ER_OPTION_PREVENTS_STATEMENT, "HY000", "This FluxDB node stopped being the leader before"
                + " the statement ran; nothing changed. Retry on the leader" + leaderHint(cluster.role()) + ".");
    }

    /** Ends one hold {@link #exclusively} gave: the barrier is released with the last. */
    private void releaseBarrier() {
        if (--barrierHolds == 0) {
            gate.releaseExclusive();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // LOCK TABLES

    /**
     * LOCK TABLES on the leader. The locks that matter in a cluster are the leader's, since every write runs there:
     * the session takes the write barrier alone and keeps it until UNLOCK TABLES, a BEGIN, the end of the session, or
     * the loss of this node's leadership. Every other session's writes, on every table, wait meanwhile (MariaDB makes
     * only the writers of the locked tables wait); reads go on, also of the locked tables. The engine checks the
     * statement first (the tables exist, the user has the LOCK TABLES privilege), and releases its own locks at once:
     * they would stop this session's replicated writes, which run as XA transactions.
     */
    private void lockTables(byte[] payload, Classification c) {
        // As in MariaDB: an open transaction commits first, and a second LOCK TABLES replaces the first's locks.
        finishThen(() -> {
            unlockTables();
            exclusively(() -> {
                // the hold exclusively() took is LOCK TABLES' from now on
                tablesLocked = true;
                tablesLockTerm = cluster.role().term();
                watchTablesLock();
                readWrite(this::unlockTables, () -> {
                    HeldResponse held = new HeldResponse(session.context(), session.backend(),
                            new Packet(0, Unpooled.wrappedBuffer(payload)), session.backendCapabilities(),
                            InfileForwarder.forwarding(), response -> {
                        if (response.failure() != null) {
                            unlockTables();
                            session.backendLost(response.failure(), false);
                            return;
                        }
                        if (response.tracker().endedInError()) {
                            unlockTables();
                            response.release(false);
                            session.commandComplete(session.state().statusFlags());
                            return;
                        }
                        engine(List.of("UNLOCK TABLES"), () -> {
                            response.discard();
                            unlockTables();
                        }, unlocked -> {
                            session.statementSucceeded(c);
                            response.release(false, session::lastPacket);
                            session.commandComplete(response.tracker().statusFlags());
                        });
                    });
                    session.begin(held);
                    held.start();
                });
            });
        });
    }

    /** Releases what LOCK TABLES holds, if anything. */
    private void unlockTables() {
        if (tablesLocked) {
            tablesLocked = false;
            lockWatch.cancel(false);
            lockWatch = null;
            releaseBarrier();
        }
    }

    /**
     * While LOCK TABLES holds the barrier, looks at the role every {@link #LOCK_WATCH_MILLIS} ms: once the term it was
     * taken in is over, other writers no longer pass through this barrier, and if this node leads again, in a later
     * term, an idle session must not hold back its writers. The locks are released, and the session's next statement
     * ends its connection.
     */
    private void watchTablesLock() {
        lockWatch = whenTermEnds(tablesLockTerm, LOCK_WATCH_MILLIS, () -> {
            if (tablesLocked) {
                log.info("conn={} - this node stopped leading while the session held LOCK TABLES; the locks are"
                        + " released", session.connectionId());
                unlockTables();
                tablesLockLost = true;
            }
        });
    }

    private static final long LOCK_WATCH_MILLIS = 250;

    /**
     * Looks at the role every {@link #LOCK_WATCH_MILLIS} ms, the first time after {@code firstLookMillis}, and runs
     * {@code ended} on the event loop whenever this node no longer leads in {@code term}; the caller cancels it.
     */
    private java.util.concurrent.ScheduledFuture<?> whenTermEnds(long term, long firstLookMillis, Runnable ended) {
        return session.context().executor().scheduleWithFixedDelay(() -> {
            if (!leadsIn(cluster.role(), term)) {
                ended.run();
            }
        }, firstLookMillis, LOCK_WATCH_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * A statement that ran on this node's engine succeeded ({@code sql} gives its text, or null when unknown; {@code
     * sent} is the role when it was sent): when it took advisory locks while this node led, they are watched for the
     * end of that term, and given up at once if it ended while the statement ran (a GET_LOCK that waited); once the
     * session holds none as far as {@link AdvisoryLockTally} can tell, no longer.
     */
    private void ranLocallyWithLocks(Classification c, java.util.function.Supplier<String> sql, ClusterRole sent) {
        if (c == null || !ForwardedSession.takesAdvisoryLocks(c)) {
            return;
        }
        String text = sql.get();
        if (text == null) {
            return;
        }
        localLocks.ran(text);
        if (!localLocks.holds()) {
            forgetAdvisoryLocks();
        } else if (!advisoryLocks && sent.isLeader()) {
            advisoryLocks = true;
            advisoryLocksTerm = sent.term();
            watchAdvisoryLocks();
        }
    }

    /**
     * While the session may hold advisory locks taken on this node as leader, looks at the role every {@link
     * #LOCK_WATCH_MILLIS} ms. Once that term is over, the new leader's sessions take the same locks on its engine, so
     * these protect nothing any more while the client still counts on them: its connection is closed, which releases
     * them, and the client sees a lost connection, as from a server that went away.
     */
    private void watchAdvisoryLocks() {
        advisoryWatch = whenTermEnds(advisoryLocksTerm, 0, () -> {
            if (advisoryLocks) {
                advisoryLocksLost();
                session.context().channel().close();
            }
        });
    }

    /** Logs that the session's advisory locks outlived the term they were taken in, and stops watching them. */
    private void advisoryLocksLost() {
        log.info("conn={} - this node stopped leading while the session held advisory locks (GET_LOCK); the"
                + " connection is closed, which releases them", session.connectionId());
        forgetAdvisoryLocks();
    }

    private void forgetAdvisoryLocks() {
        localLocks.clear();
        advisoryLocks = false;
        if (advisoryWatch != null) {
            advisoryWatch.cancel(false);
            advisoryWatch = null;
        }
    }

    /**
     * Whether this session's leader-bound statements go to its forwarded session now: this node follows, or the
     * session is pinned to a forwarded session it opened while it followed (a transaction, locks, temporary tables).
     */
    private boolean forwardsNow(ClusterRole role) {
        return forwarded != null && (!role.isLeader() || forwarded.pinned());
    }

    private void ddl(byte[] payload, String sql, Classification c) {
        exclusively(() -> {
            long micros = nowMicros();
            String id = books.newTransactionId(cluster.role().term());
            List<String> before = List.of(
                    "SET STATEMENT character_set_results = utf8mb4 FOR " + WriteContext.query(List.of()),
                    pin(micros, Optional.empty()), "SET SESSION TRANSACTION READ WRITE");
            EngineStatements.runAll(session.backend(), before).thenApplyAsync(outcomes -> {
                WriteContext context = WriteContext.parse(outcomes.getFirst(), List.of());
                String text = Charsets.decode(payload, 1, Charsets.forName(context.session().characterSetClient()));
                if (text != null) {
                    books.ddlStarting(id);
                }
                return new DdlStart(context, text);
            }, blocking).whenCompleteAsync((start, failure) -> {
                clockPinned = true;
                if (failure != null) {
                    releaseBarrier();
                    engineFailure(failure);
                    return;
                }
                WriteContext context = start.context();
                if (start.text() == null) {
                    // The log holds text: a definition whose bytes are not valid in the client's character set
                    // cannot be carried exactly, so it is refused before it runs anywhere.
                    ErrPacket refusal = invalidText(context, "in a schema statement; send its strings in the"
                            + " client's character set or as hex literals (X'..')");
                    engine(List.of("SET SESSION TRANSACTION READ ONLY"), this::releaseBarrier, restored -> {
                        releaseBarrier();
                        fail(refusal);
                    });
                    return;
                }
                HeldResponse held = new HeldResponse(session.context(), session.backend(),
                        new Packet(0, Unpooled.wrappedBuffer(payload)), session.backendCapabilities(),
                        response -> ddlRan(response, id, start.text(), c, context, micros));
                session.begin(held);
                held.start();
            }, session.context().executor());
        });
    }

    /** A schema statement's context, and its text for the log (null if its bytes are not valid text). */
    private record DdlStart(WriteContext context, String text) {
    }

    /** ERROR 1300 for client text FluxDB cannot carry in the log exactly; {@code detail} says what and why. */
    private static ErrPacket invalidText(WriteContext context, String detail) {
        return new ErrPacket(1300, "HY000", "Invalid " + context.session().characterSetClient()
                + " character string " + detail + "; FluxDB cannot replicate it");
    }

    private void ddlRan(HeldResponse response, String id, String text, Classification c, WriteContext context,
            long micros) {
        if (response.failure() != null) {
            releaseBarrier();
            session.backendLost(response.failure(), false);
            return;
        }
        boolean failed = response.tracker().endedInError();
        engine(List.of("SET SESSION TRANSACTION READ ONLY"), restored -> CompletableFuture.runAsync(() -> {
            if (failed) {
                books.ddlAbandoned(id);
            } else {
                books.ddlExecuted(id);
            }
        }, blocking).whenCompleteAsync((done, failure) -> {
            if (failed) {
                releaseBarrier();
                response.release(false);
                session.commandComplete(session.state().statusFlags());
                return;
            }
            ReplicatedStatement statement = new ReplicatedStatement(text, List.of(), new ReplayHints(OptionalLong.empty(),
                    OptionalLong.empty(), Optional.empty(), OptionalLong.of(micros), Map.of()), OptionalLong.empty());
            LogEntryContent entry = new LogEntryContent(EntryKind.IMPLICIT_COMMIT, micros, cluster.localNodeId(),
                    session.connectionId(), context.session(), Optional.of(context.account()), Optional.of(id),
                    List.of(statement));
            cluster.submit(entry).whenCompleteAsync((result, submitFailure) -> {
                session.statementSucceeded(c);
                if (submitFailure == null) {
                    // Settled before the barrier opens: no transaction may be appended after the DDL while the DDL
                    // still looks unfinished on this node.
                    cluster.settle(result.index(), true);
                    releaseBarrier();
                    session.committed(result.index());
                    response.release(false, session::lastPacket);
                    session.commandComplete(response.tracker().statusFlags());
                    return;
                }
                releaseBarrier();
                response.discard();
                Throwable cause = Failures.cause(submitFailure);
                ClusterException.Reason reason = cause instanceof ClusterException e ? e.reason() : null;
                if (reason == ClusterException.Reason.NO_QUORUM) {
                    // Appended, or maybe appended: the next leader commits the entry or drops it. Dropped, the term
                    // check of the next term finds this node's change missing from the log, and the node re-syncs.
                    log.warn("conn={} - DDL {} ran on this node's engine; whether its log entry commits is not known"
                            + " ({}): if it does not, this node's schema differs from the log's until it re-syncs",
                            session.connectionId(), id, submitFailure.toString());
                } else {
                    log.error("conn={} - DDL {} ran on this node's engine but could not be appended to the log ({}):"
                            + " this node's schema now differs from the cluster's", session.connectionId(), id,
                            submitFailure.toString());
                }
                if (reason == ClusterException.Reason.NOT_LEADER) {
                    // Certainly not in the log: the node stops serving reads now, not at the next term's check.
                    cluster.changedOutsideTheLog("DDL statement " + id + " ran on this node's engine, and its entry"
                            + " never reached the log (" + cause.getMessage() + "): this node's schema or accounts"
                            + " differ from the log's");
                }
                session.closeUnanswered();
            }, session.context().executor());
        }, session.context().executor()));
    }

    // ---------------------------------------------------------------------------------------------------------
    // CALL fluxdb.checksum(): a consistency check through the log

    /** The statement that asks every node for checksums of its tables at one log index (see ClusterChecksums). */
    static boolean isChecksumCall(String sql) {
        return CHECKSUM_CALL.matcher(sql).matches();
    }

    private static final java.util.regex.Pattern CHECKSUM_CALL = java.util.regex.Pattern.compile(
            "\\s*CALL\\s+`?fluxdb`?\\s*\\.\\s*`?checksum`?\\s*(\\(\\s*\\))?\\s*;?\\s*",
            java.util.regex.Pattern.CASE_INSENSITIVE);

    /**
     * Appends a CHECKSUM entry under the exclusive write barrier, so the leader's engine holds exactly the entries
     * before it when it applies it, as every follower does; then answers with the leader's checksums. The client's
     * own engine connection must be allowed to read {@code fluxdb.checksums}, which is where every node keeps them.
     */
    private void checksum(Classification c) {
        if (xa != null) {
            fail(notSupported("CALL fluxdb.checksum() inside a transaction"));
            return;
        }
        engine(List.of("SELECT 1 FROM fluxdb.checksums LIMIT 0",
                "SET STATEMENT character_set_results = utf8mb4 FOR " + WriteContext.query(List.of())),
                outcomes -> exclusively(() -> {
                    WriteContext context = WriteContext.parse(outcomes.getLast(), List.of());
                    long micros = nowMicros();
                    LogEntryContent entry = new LogEntryContent(EntryKind.CHECKSUM, micros, cluster.localNodeId(),
                            session.connectionId(), context.session(), Optional.of(context.account()),
                            Optional.empty(), List.of(ReplicatedStatement.of("CALL fluxdb.checksum()")));
                    cluster.submit(entry)
                            .thenCompose(result -> {
                                cluster.settle(result.index(), true);
                                return cluster.awaitApplied(result.index(), CHECKSUM_WAIT)
                                        .thenApply(applied -> result.index());
                            })
                            .whenCompleteAsync((index, failure) -> {
                                releaseBarrier();
                                if (failure != null) {
                                    Throwable cause = Failures.cause(failure);
                                    fail(new ErrPacket(1105, "HY000", "FluxDB: the checksum entry failed: "
                                            + cause.getMessage()));
                                    return;
                                }
                                session.committed(index);
                                byte[] query = ("\u0003SELECT idx AS log_index, table_name, checksum FROM "
                                        + "fluxdb.checksums WHERE idx = " + index + " ORDER BY table_name")
                                        .getBytes(UTF_8);
                                session.relay(new Packet(0, Unpooled.wrappedBuffer(query)),
                                        relay -> session.statementSucceeded(c), null);
                            }, session.context().executor());
                }));
    }

    /** How long the leader waits for its own engine to record the checksums. */
    private static final java.time.Duration CHECKSUM_WAIT = java.time.Duration.ofSeconds(60);

    // ---------------------------------------------------------------------------------------------------------
    // What the cluster refuses

    /** Statements that must run on the leader: writes, DDL, locking reads, table locks, XA. */
    private static boolean needsLeader(Classification c) {
        return switch (c.kind()) {
            case WRITE, DDL, LOCKING_READ -> true;
            case TRANSACTION -> c.transaction() == TransactionEffect.LOCK_TABLES || "XA".equals(c.keyword());
            default -> false;
        };
    }

    private static ErrPacket followerError(ClusterRole role) {
        return new ErrPacket(ER_OPTION_PREVENTS_STATEMENT, "HY000", "This FluxDB node is a follower: it cannot run"
                + " writes, DDL or locking reads. Send them to the leader" + leaderHint(role) + ".");
    }

    private static String leaderHint(ClusterRole role) {
        return role.leaderClientAddress()
                .map(a -> " at " + a.getHostString() + ":" + a.getPort())
                .orElse(" (none is elected right now; retry shortly)");
    }

    /**
     * Writes the leader cannot replicate exactly, refused before they run, so they change nothing anywhere.
     *
     * @param text the statement's text from {@code offset}, in the session's character set
     * @param database the default database its names are read in
     */
    private Optional<ErrPacket> refusal(String sql, Classification c, byte[] text, int offset,
            Optional<String> database) {
        if (c.kind() != StatementKind.WRITE && c.kind() != StatementKind.DDL && c.kind() != StatementKind.TRANSACTION) {
            return Optional.empty();
        }
        if (c.kind() == StatementKind.TRANSACTION) {
            if ("XA".equals(c.keyword())) {
                return Optional.of(notSupported("XA transactions of clients in a cluster"));
            }
            return Optional.empty();
        }
        if (c.multiStatement()) {
            return Optional.of(notSupported("several statements in one text when one of them writes, in a cluster;"
                    + " send them one by one"));
        }
        if (c.temporaryTable()) {
            // TemporaryTables ran the forms it knows here already.
            return Optional.of(notSupported("this form of temporary table statement in a cluster"));
        }
        if ("EXECUTE".equals(c.keyword())) {
            // The text names a statement prepared in the session (or built from a string): followers have neither,
            // and what it runs cannot be checked.
            return Optional.of(notSupported(EXECUTE_REFUSAL));
        }
        if ("LOAD".equals(c.keyword()) && !c.determinism().contains(Determinism.LOCAL_INFILE)
                && !c.determinism().contains(Determinism.SERVER_FILE)) {
            return Optional.of(notSupported("this form of LOAD in a cluster; use LOAD DATA LOCAL INFILE or INSERT"));
        }
        Optional<String> nodeLocal = nodeLocalRead(c, text, offset, database);
        if (nodeLocal.isPresent()) {
            return Optional.of(new ErrPacket(ER_BINLOG_UNSAFE_STATEMENT, "HY000",
                    "Unsafe statement for replication: " + Unsafe.nodeLocal(nodeLocal.get())));
        }
        for (Determinism d : c.determinism()) {
            // CREATE without a DEFINER: the entry carries the leader's account, which replay names as the DEFINER.
            boolean definerCarried = d == Determinism.IMPLICIT_DEFINER && "CREATE".equals(c.keyword())
                    && !sql.toUpperCase(java.util.Locale.ROOT).contains("DEFINER");
            if (!d.fixable() && !definerCarried) {
                return Optional.of(new ErrPacket(ER_BINLOG_UNSAFE_STATEMENT, "HY000",
                        "Unsafe statement for replication: " + Unsafe.explain(d)));
            }
        }
        return Optional.empty();
    }

    /**
     * The node-local table a replicated write reads, named for the client: one the classifier found by its qualified
     * name, or one an unqualified name reads in a default database that holds such tables, which the classifier does
     * not know.
     */
    private Optional<String> nodeLocalRead(Classification c, byte[] text, int offset, Optional<String> database) {
        boolean flagged = c.determinism().contains(Determinism.NODE_LOCAL_TABLE);
        // As the classifier has it: writes and CREATE read tables; other DDL names its table as an object only.
        boolean reads = c.kind() == StatementKind.WRITE
                || (c.kind() == StatementKind.DDL && "CREATE".equals(c.keyword()));
        if (!flagged && !(reads && database.filter(NodeLocalTables::holdsNodeLocalTables).isPresent())) {
            return Optional.empty();
        }
        Optional<String> named = NodeLocalTables.namedIn(text, offset, parse == null ? ParseContext.DEFAULT : parse,
                database);
        return flagged ? Optional.of(named.orElse("a node-local table")) : named;
    }

    private static final String EXECUTE_REFUSAL = "PREPARE of a write, EXECUTE and EXECUTE IMMEDIATE in a cluster;"
            + " send the statement itself, or prepare it with the binary protocol (COM_STMT_PREPARE, e.g."
            + " useServerPrepStmts=true)";

    private static ErrPacket notSupported(String what) {
        return new ErrPacket(ER_NOT_SUPPORTED_YET, "42000", "FluxDB doesn't yet support '" + what + "'");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Plumbing

    /** Forwards the client's statement; an engine refusal for read-only mode goes to {@code onReadOnly} instead. */
    private void relay(byte[] payload, Classification c, ReadOnlyRefusal onReadOnly) {
        ClusterRole sent = cluster.role();
        session.relay(new Packet(0, Unpooled.wrappedBuffer(payload)), relay -> {
                    succeeded(c);
                    ranLocallyWithLocks(c, () -> statementText(payload), sent);
                },
                onReadOnly == null ? null
                : new ResponseRelay.ErrorInterceptor() {
                    @Override
                    public boolean intercept(int errorCode) {
                        return errorCode == ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION;
                    }

                    @Override
                    public void intercepted(ResponseRelay relay, ErrPacket error) {
                        onReadOnly.refused(relay, error);
                    }
                });
    }

    private void relay(byte[] payload, Classification c, Consumer<ResponseRelay> onSuccess) {
        ClusterRole sent = cluster.role();
        session.relay(new Packet(0, Unpooled.wrappedBuffer(payload)), relay -> {
            succeeded(c);
            ranLocallyWithLocks(c, () -> statementText(payload), sent);
            onSuccess.accept(relay);
        }, null);
    }

    /**
     * The text of a COM_QUERY payload, for matching function names only: ISO-8859-1 keeps every byte as one char, so
     * ASCII names are found whatever the client's character set.
     */
    private static String statementText(byte[] payload) {
        return payload.length == 0 || payload[0] != CommandType.COM_QUERY ? null
                : new String(payload, 1, payload.length - 1, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** A statement the engine accepted: the session remembers what it set, and how its text is read may change. */
    private void succeeded(Classification c) {
        session.statementSucceeded(c);
        if (forwarded != null) {
            forwarded.ranLocally(c);
        }
        if (changesParseContext(c)) {
            parse = null;
        }
    }

    @FunctionalInterface
    private interface ReadOnlyRefusal {
        void refused(ResponseRelay relay, ErrPacket error);
    }

    /**
     * Makes the engine session read-write for the command's next statement, then runs {@code then}; the next
     * command's prologue makes it read-only again. {@code onFailure} runs first when that fails.
     */
    private void readWrite(Runnable onFailure, Runnable then) {
        readOnlyApplied = false;
        engine(List.of("SET SESSION TRANSACTION READ WRITE"), onFailure, outcomes -> then.run());
    }

    /** Runs operator statements, then {@code then} on the event loop; an engine error fails the command. */
    private void engine(List<String> statements, Consumer<List<Outcome>> then) {
        engine(statements, () -> {}, then);
    }

    /** {@link #engine(List, java.util.function.Consumer)}; {@code onFailure} runs first when the statements fail. */
    private void engine(List<String> statements, Runnable onFailure, Consumer<List<Outcome>> then) {
        EngineStatements.runAll(session.backend(), statements).whenCompleteAsync((outcomes, failure) -> {
            if (failure != null) {
                onFailure.run();
                engineFailure(failure);
                return;
            }
            accept(then, outcomes);
        }, session.context().executor());
    }

    /** Runs {@code then} with the engine's outcomes; a failure in it reaches the client as an error. */
    private void accept(Consumer<List<Outcome>> then, List<Outcome> outcomes) {
        try {
            then.accept(outcomes);
        } catch (RuntimeException e) {
            log.warn("conn={} - cluster statement handling failed", session.connectionId(), e);
            fail(new ErrPacket(1105, "HY000", "FluxDB: " + e.getMessage()));
        }
    }

    private void engineFailure(Throwable failure) {
        Throwable cause = Failures.cause(failure);
        if (cause instanceof EngineStatements.EngineStatementException e) {
            fail(e.error());
        } else {
            dropTransaction();
            session.backendLost(cause, false);
        }
    }

    private void fail(ErrPacket error) {
        session.replyError(error);
    }

    private void reply(int status) {
        session.replyOk(status);
    }

    private static int okStatus(int status) {
        return status | ServerStatus.SERVER_STATUS_IN_TRANS;
    }

    private static String pin(long micros, Optional<ReplayHints.RandSeed> seed) {
        StringBuilder sql = new StringBuilder("SET timestamp = ").append(micros / 1_000_000).append('.')
                .append(String.format("%06d", micros % 1_000_000));
        seed.ifPresent(s -> sql.append(", rand_seed1 = ").append(s.seed1()).append(", rand_seed2 = ").append(s.seed2()));
        return sql.toString();
    }

    private long nowMicros() {
        return support.clock().nowMicros();
    }

    private static long randomSeed() {
        // MySQL's RAND() seeds are 30-bit values (its generator works modulo 0x3FFFFFFF).
        return ThreadLocalRandom.current().nextLong(1, 0x3FFF_FFFFL);
    }

    private static String quoted(String id) {
        return "'" + id + "'";
    }

    /** The placeholder exchange while the operator's own statements run: client packets queue behind it. */
    private enum Busy implements Exchange {
        INSTANCE;

        @Override
        public boolean wantsClientData() {
            return false;
        }

        @Override
        public void clientData(Packet packet) {
            packet.release();
        }
    }
}

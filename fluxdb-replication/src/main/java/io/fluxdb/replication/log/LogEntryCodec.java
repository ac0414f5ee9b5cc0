package io.fluxdb.replication.log;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.spi.BoundValue;
import io.fluxdb.engine.spi.EntryKind;
import io.fluxdb.engine.spi.LogEntryContent;
import io.fluxdb.engine.spi.ReplayHints;
import io.fluxdb.engine.spi.ReplicatedStatement;
import io.fluxdb.engine.spi.SessionContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The binary form of a log entry: a version byte, the entry kind, the leader's committed watermark, the whole
 * {@link LogEntryContent}, and a CRC32C. The layout and the versioning rule are in docs/design/log-format.md.
 *
 * <p>Decoding is strict: a truncated entry, a bad checksum, an unknown version, kind or tag, trailing bytes, a map
 * that is not in strictly increasing key order, or a value the SPI records refuse makes {@link #decode} throw
 * {@link IllegalStateException}. A node that meets one must stop: skipping or guessing would make its data differ.
 */
public final class LogEntryCodec {
    /** The format version of entries that need nothing newer (version 1 readers can apply them). */
    public static final int VERSION = 1;
    /**
     * Version 2 adds the bytes of a LOAD DATA LOCAL INFILE file to a statement's hints, and the CHECKSUM kind; written
     * only for entries that use them.
     */
    public static final int VERSION_2 = 2;

    static final int KIND_TRANSACTION = 1;
    static final int KIND_IMPLICIT_COMMIT = 2;
    static final int KIND_CHECKSUM = 3;

    private static final int HINT_INSERT_ID = 1;
    private static final int HINT_LAST_INSERT_ID = 1 << 1;
    private static final int HINT_RAND_SEED = 1 << 2;
    private static final int HINT_TIMESTAMP = 1 << 3;
    private static final int HINT_V1 = HINT_INSERT_ID | HINT_LAST_INSERT_ID | HINT_RAND_SEED | HINT_TIMESTAMP;
    private static final int HINT_LOCAL_INFILE = 1 << 4;

    private static final int SESSION_FOREIGN_KEY_CHECKS = 1;
    private static final int SESSION_UNIQUE_CHECKS = 1 << 1;

    private static final int CHECKSUM_BYTES = 4;

    private LogEntryCodec() {
    }

    /**
     * Encodes an entry.
     *
     * @throws IllegalArgumentException if a string is not valid UTF-16 (it holds a lone surrogate) and so has no
     *     exact UTF-8 form
     */
    public static byte[] encode(EntryEnvelope envelope) {
        requireNonNull(envelope, "envelope is null");
        LogEntryContent content = envelope.content();
        EntryWriter out = new EntryWriter(256);
        // The lowest version that can hold the entry, so that nodes that read only version 1 apply every other entry.
        boolean needsTwo = content.kind() == EntryKind.CHECKSUM
                || content.statements().stream().anyMatch(s -> s.hints().localInfile().isPresent());
        out.u8(needsTwo ? VERSION_2 : VERSION);
        out.u8(switch (content.kind()) {
            case TRANSACTION -> KIND_TRANSACTION;
            case IMPLICIT_COMMIT -> KIND_IMPLICIT_COMMIT;
            case CHECKSUM -> KIND_CHECKSUM;
        });
        out.i64(envelope.lastCommitted());
        out.i64(content.timestampMicros());
        out.string(content.originNodeId());
        out.i64(content.originSessionId());
        out.optionalString(content.account());
        out.optionalString(content.originTransaction());
        writeSession(out, content.session());
        out.u32(content.statements().size());
        for (ReplicatedStatement statement : content.statements()) {
            writeStatement(out, statement);
        }
        return out.finishWithChecksum();
    }

    /**
     * Decodes an entry written by {@link #encode}.
     *
     * @throws IllegalStateException if the bytes are not a valid entry of a known version
     */
    public static EntryEnvelope decode(ByteBuffer bytes) {
        requireNonNull(bytes, "bytes is null");
        ByteBuffer in = bytes.slice();
        if (in.remaining() < 2 + CHECKSUM_BYTES) {
            throw new IllegalStateException("corrupt log entry: " + in.remaining() + " bytes (expected: at least "
                    + (2 + CHECKSUM_BYTES) + ")");
        }
        int version = in.get(0) & 0xFF;
        if (version != VERSION && version != VERSION_2) {
            throw new IllegalStateException("log entry version: " + version + " (expected: " + VERSION + " or "
                    + VERSION_2 + "); a newer node wrote it, or it is corrupt: upgrade this node before it"
                    + " applies the log");
        }
        int bodyLength = in.remaining() - CHECKSUM_BYTES;
        CRC32C crc = new CRC32C();
        crc.update(in.slice(0, bodyLength));
        int stored = in.getInt(bodyLength);
        if ((int) crc.getValue() != stored) {
            throw new IllegalStateException(String.format("corrupt log entry: checksum %08x (expected: %08x)",
                    (int) crc.getValue(), stored));
        }
        EntryReader reader = new EntryReader(in.slice(0, bodyLength));
        try {
            EntryEnvelope envelope = readBody(reader, version);
            if (reader.remaining() != 0) {
                throw reader.corrupt(reader.remaining() + " trailing bytes");
            }
            return envelope;
        } catch (IllegalArgumentException | NullPointerException e) {
            // a field the SPI records refuse (a month of 13, a negative timestamp): the bytes are not a valid entry
            throw new IllegalStateException("corrupt log entry: " + e.getMessage(), e);
        }
    }

    private static EntryEnvelope readBody(EntryReader in, int version) {
        in.u8("version");
        int kindCode = in.u8("kind");
        EntryKind kind = switch (kindCode) {
            case KIND_TRANSACTION -> EntryKind.TRANSACTION;
            case KIND_IMPLICIT_COMMIT -> EntryKind.IMPLICIT_COMMIT;
            case KIND_CHECKSUM -> {
                if (version < VERSION_2) {
                    throw in.corrupt("kind: " + kindCode + " (expected: " + KIND_TRANSACTION + " or "
                            + KIND_IMPLICIT_COMMIT + " in version " + version + ")");
                }
                yield EntryKind.CHECKSUM;
            }
            default -> throw in.corrupt("kind: " + kindCode + " (expected: " + KIND_TRANSACTION + ", "
                    + KIND_IMPLICIT_COMMIT + " or " + KIND_CHECKSUM + ")");
        };
        long lastCommitted = in.i64("lastCommitted");
        long timestampMicros = in.i64("timestampMicros");
        String originNodeId = in.string("originNodeId");
        long originSessionId = in.i64("originSessionId");
        Optional<String> account = in.optionalString("account");
        Optional<String> originTransaction = in.optionalString("originTransaction");
        SessionContext session = readSession(in);
        int count = in.count("statement count", 1);
        List<ReplicatedStatement> statements = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            statements.add(readStatement(in, "statement " + i, version));
        }
        LogEntryContent content = new LogEntryContent(kind, timestampMicros, originNodeId, originSessionId, session,
                account, originTransaction, statements);
        return new EntryEnvelope(lastCommitted, content);
    }

    private static void writeSession(EntryWriter out, SessionContext session) {
        out.optionalString(session.database());
        out.string(session.sqlMode());
        out.string(session.timeZone());
        out.string(session.characterSetClient());
        out.string(session.characterSetConnection());
        out.optionalString(session.characterSetResults());
        out.string(session.collationConnection());
        out.u8((session.foreignKeyChecks() ? SESSION_FOREIGN_KEY_CHECKS : 0)
                | (session.uniqueChecks() ? SESSION_UNIQUE_CHECKS : 0));
        out.u16(session.autoIncrementIncrement());
        out.u16(session.autoIncrementOffset());
        out.u32(session.otherVariables().size());
        session.otherVariables().forEach((name, value) -> {
            out.string(name);
            out.string(value);
        });
    }

    private static SessionContext readSession(EntryReader in) {
        Optional<String> database = in.optionalString("database");
        String sqlMode = in.string("sqlMode");
        String timeZone = in.string("timeZone");
        String characterSetClient = in.string("characterSetClient");
        String characterSetConnection = in.string("characterSetConnection");
        Optional<String> characterSetResults = in.optionalString("characterSetResults");
        String collationConnection = in.string("collationConnection");
        int flags = in.u8("session flags");
        if ((flags & ~(SESSION_FOREIGN_KEY_CHECKS | SESSION_UNIQUE_CHECKS)) != 0) {
            throw in.corrupt("session flags: 0x" + Integer.toHexString(flags) + " (expected: bits 0-1 only)");
        }
        int increment = in.u16("autoIncrementIncrement");
        int offset = in.u16("autoIncrementOffset");
        int count = in.count("session variable count", 8);
        Map<String, String> variables = new TreeMap<>();
        String previous = null;
        for (int i = 0; i < count; i++) {
            String name = in.string("session variable name");
            previous = requireIncreasing(in, "session variable", previous, name);
            variables.put(name, in.string("session variable '" + name + "'"));
        }
        return new SessionContext(database, sqlMode, timeZone, characterSetClient, characterSetConnection,
                characterSetResults, collationConnection, (flags & SESSION_FOREIGN_KEY_CHECKS) != 0,
                (flags & SESSION_UNIQUE_CHECKS) != 0, increment, offset, variables);
    }

    private static void writeStatement(EntryWriter out, ReplicatedStatement statement) {
        out.string(statement.sql());
        out.u32(statement.parameters().size());
        for (BoundValue parameter : statement.parameters()) {
            BoundValueCodec.write(out, parameter);
        }
        writeHints(out, statement.hints());
        out.bool(statement.affectedRows().isPresent());
        if (statement.affectedRows().isPresent()) {
            out.i64(statement.affectedRows().getAsLong());
        }
    }

    private static ReplicatedStatement readStatement(EntryReader in, String field, int version) {
        String sql = in.string(field + " sql");
        int count = in.count(field + " parameter count", 1);
        List<BoundValue> parameters = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            parameters.add(BoundValueCodec.read(in, field + " parameter " + i));
        }
        ReplayHints hints = readHints(in, field, version);
        OptionalLong affectedRows = in.bool(field + " affectedRows present")
                ? OptionalLong.of(in.i64(field + " affectedRows")) : OptionalLong.empty();
        return new ReplicatedStatement(sql, parameters, hints, affectedRows);
    }

    private static void writeHints(EntryWriter out, ReplayHints hints) {
        int flags = (hints.insertId().isPresent() ? HINT_INSERT_ID : 0)
                | (hints.lastInsertId().isPresent() ? HINT_LAST_INSERT_ID : 0)
                | (hints.randSeed().isPresent() ? HINT_RAND_SEED : 0)
                | (hints.timestampMicros().isPresent() ? HINT_TIMESTAMP : 0)
                | (hints.localInfile().isPresent() ? HINT_LOCAL_INFILE : 0);
        out.u8(flags);
        hints.insertId().ifPresent(out::i64);
        hints.lastInsertId().ifPresent(out::i64);
        hints.randSeed().ifPresent(seed -> {
            out.i64(seed.seed1());
            out.i64(seed.seed2());
        });
        hints.timestampMicros().ifPresent(out::i64);
        out.u32(hints.userVariables().size());
        hints.userVariables().forEach((name, value) -> {
            out.string(name);
            BoundValueCodec.write(out, value);
        });
        hints.localInfile().ifPresent(file -> out.bytes(file.value()));
    }

    private static ReplayHints readHints(EntryReader in, String field, int version) {
        int flags = in.u8(field + " hint flags");
        int known = version >= VERSION_2 ? HINT_V1 | HINT_LOCAL_INFILE : HINT_V1;
        if ((flags & ~known) != 0) {
            throw in.corrupt(field + " hint flags: 0x" + Integer.toHexString(flags) + " (expected: bits 0-"
                    + (Integer.bitCount(known) - 1) + " only in version " + version + ")");
        }
        OptionalLong insertId = (flags & HINT_INSERT_ID) != 0
                ? OptionalLong.of(in.i64(field + " insertId")) : OptionalLong.empty();
        OptionalLong lastInsertId = (flags & HINT_LAST_INSERT_ID) != 0
                ? OptionalLong.of(in.i64(field + " lastInsertId")) : OptionalLong.empty();
        Optional<ReplayHints.RandSeed> randSeed = (flags & HINT_RAND_SEED) != 0
                ? Optional.of(new ReplayHints.RandSeed(in.i64(field + " seed1"), in.i64(field + " seed2")))
                : Optional.empty();
        OptionalLong timestamp = (flags & HINT_TIMESTAMP) != 0
                ? OptionalLong.of(in.i64(field + " timestampMicros")) : OptionalLong.empty();
        int count = in.count(field + " user variable count", 5);
        Map<String, BoundValue> variables = new TreeMap<>();
        String previous = null;
        for (int i = 0; i < count; i++) {
            String name = in.string(field + " user variable name");
            previous = requireIncreasing(in, field + " user variable", previous, name);
            variables.put(name, BoundValueCodec.read(in, field + " user variable '" + name + "'"));
        }
        Optional<BoundValue.Bytes> localInfile = (flags & HINT_LOCAL_INFILE) != 0
                ? Optional.of(new BoundValue.Bytes(in.bytes(field + " localInfile"))) : Optional.empty();
        return new ReplayHints(insertId, lastInsertId, randSeed, timestamp, variables, localInfile);
    }

    /** Maps are written in key order, so one entry has exactly one encoding and a repeated key is corruption. */
    private static String requireIncreasing(EntryReader in, String field, String previous, String name) {
        if (previous != null && previous.compareTo(name) >= 0) {
            throw in.corrupt(field + " '" + name + "' after '" + previous + "' (expected: strictly increasing names)");
        }
        return name;
    }
}

package io.fluxdb.replication.testing;

import io.fluxdb.engine.spi.EntryKind;
import io.fluxdb.engine.spi.LogEntryContent;
import io.fluxdb.engine.spi.ReplayHints;
import io.fluxdb.engine.spi.ReplicatedStatement;
import io.fluxdb.engine.spi.SessionContext;
import io.fluxdb.replication.log.EntryEnvelope;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Log entries for tests, in {@link TestEngine}'s statement language. */
public final class Entries {
    public static final SessionContext SESSION = new SessionContext(Optional.of("app"), "STRICT_TRANS_TABLES", "+00:00",
            "utf8mb4", "utf8mb4", Optional.of("utf8mb4"), "utf8mb4_general_ci", true, true, 1, 1, Map.of());

    private Entries() {
    }

    /** A transaction of statements whose affected rows on the leader are unknown. */
    public static LogEntryContent transaction(String origin, String... statements) {
        return content(EntryKind.TRANSACTION, origin, Optional.empty(),
                Arrays.stream(statements).map(ReplicatedStatement::of).toList());
    }

    /** A transaction of one statement that changed {@code rows} rows on the leader. */
    public static LogEntryContent withRows(String origin, String statement, long rows) {
        return content(EntryKind.TRANSACTION, origin, Optional.empty(), List.of(
                new ReplicatedStatement(statement, List.of(), ReplayHints.NONE, OptionalLong.of(rows))));
    }

    public static LogEntryContent implicitCommit(String origin, String statement) {
        return content(EntryKind.IMPLICIT_COMMIT, origin, Optional.empty(), List.of(ReplicatedStatement.of(statement)));
    }

    public static LogEntryContent content(EntryKind kind, String origin, Optional<String> xid,
            List<ReplicatedStatement> statements) {
        return new LogEntryContent(kind, 1_700_000_000_000_000L, origin, 7, SESSION, Optional.of("'app'@'%'"), xid,
                statements);
    }

    public static EntryEnvelope envelope(long lastCommitted, LogEntryContent content) {
        return new EntryEnvelope(lastCommitted, content);
    }
}

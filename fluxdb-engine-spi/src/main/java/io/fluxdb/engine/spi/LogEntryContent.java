package io.fluxdb.engine.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * What one replicated log entry asks every node to do: run these statements, in this order, in this session
 * context, as if at this time. The log assigns term and index; replication owns the wire format.
 *
 * @param kind how the entry is applied
 * @param timestampMicros the leader's clock when it ran the transaction, in microseconds since the epoch; engines
 *     pin the session clock to it (for MySQL, {@code SET timestamp}) so NOW() and column defaults agree
 * @param originNodeId the node whose client issued the transaction
 * @param originSessionId the client session on that node, for diagnostics and read-your-writes
 * @param session the session state the statements ran with
 * @param account the account the statements ran as on the leader, as the engine writes it (for MySQL
 *     {@code 'user'@'host'}); replay uses it as the DEFINER of the views, routines, triggers and events the entry
 *     creates without naming one. Empty for entries no client issued.
 * @param originTransaction the id under which the origin node's engine holds this transaction prepared (for MySQL,
 *     an XA transaction id) or recorded a DDL statement it ran, so that node recognises the entry as one it executed
 *     itself; empty for entries no node executed before appending them
 * @param statements the statements, in execution order; never empty
 */
public record LogEntryContent(
        EntryKind kind,
        long timestampMicros,
        String originNodeId,
        long originSessionId,
        SessionContext session,
        Optional<String> account,
        Optional<String> originTransaction,
        List<ReplicatedStatement> statements) {

    public LogEntryContent {
        requireNonNull(kind, "kind is null");
        requireNonNull(originNodeId, "originNodeId is null");
        requireNonNull(session, "session is null");
        requireNonNull(account, "account is null");
        requireNonNull(originTransaction, "originTransaction is null");
        requireNonNull(statements, "statements is null");
        statements = List.copyOf(statements);
        if (timestampMicros < 0) {
            throw new IllegalArgumentException("timestampMicros: " + timestampMicros + " (expected: >= 0)");
        }
        if (originNodeId.isEmpty()) {
            throw new IllegalArgumentException("originNodeId: '' (expected: non-empty)");
        }
        if (statements.isEmpty()) {
            throw new IllegalArgumentException("statements: [] (expected: at least one)");
        }
        if (kind != EntryKind.TRANSACTION && statements.size() != 1) {
            throw new IllegalArgumentException("statements: " + statements.size()
                    + " (expected: exactly one in an " + kind + " entry)");
        }
    }
}

package io.fluxdb.engine.spi;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a {@link StatementClassifier} found out about one statement, or about a whole multi-statement text
 * ({@link #combine}).
 *
 * @param kind how to route it
 * @param keyword the leading keyword in upper case ({@code "SELECT"}, {@code "WITH"}, {@code "SET"}), after
 *     comments and opening parentheses; empty when there is none
 * @param implicitCommit whether executing it commits the session's open transaction first (DDL, account
 *     management, BEGIN, LOCK TABLES, ...)
 * @param determinism why its effects might differ between nodes; empty when it is deterministic
 * @param transaction what it does to the session's transaction
 * @param database the database a {@code USE} statement selects
 * @param assignments the assignments of a SET statement, in order
 * @param temporaryTable whether it creates or drops a temporary table, which exists only in the connection that
 *     made it (a front end keeps such sessions on one engine)
 * @param start where the statement starts in the classified text (including leading comments): a character index
 *     for text given as a {@code String}, a byte offset for text given as bytes
 * @param end where it ends (exclusive, before the separating semicolon), in the same unit as {@code start}
 * @param statementCount how many statements the text holds: 1 for a single statement, more for a combined
 *     classification
 * @param userVariablesRead the user variables whose value the statement reads, lower case and without {@code @}
 *     (names compare case-insensitively), in order of first use; a variable the statement both assigns and reads
 *     ({@code @n := @n + 1}) is listed, one it only assigns ({@code SET @v = 1}, {@code INTO @v}) is not. Replay
 *     sets these to the leader's values before running the statement.
 * @param userVariablesAssigned the user variables the statement assigns ({@code SET @v = ...}, {@code @v := ...},
 *     {@code SELECT ... INTO @v}, {@code GET DIAGNOSTICS @v = ...}), lower case, in order of first assignment
 * @param accessMode what it does to the transaction access mode (read-only or read-write)
 */
public record Classification(
        StatementKind kind,
        String keyword,
        boolean implicitCommit,
        Set<Determinism> determinism,
        TransactionEffect transaction,
        Optional<String> database,
        List<VariableAssignment> assignments,
        boolean temporaryTable,
        int start,
        int end,
        int statementCount,
        List<String> userVariablesRead,
        List<String> userVariablesAssigned,
        AccessMode accessMode) {

    public Classification {
        requireNonNull(kind, "kind is null");
        requireNonNull(keyword, "keyword is null");
        requireNonNull(determinism, "determinism is null");
        requireNonNull(transaction, "transaction is null");
        requireNonNull(database, "database is null");
        requireNonNull(assignments, "assignments is null");
        requireNonNull(userVariablesRead, "userVariablesRead is null");
        requireNonNull(userVariablesAssigned, "userVariablesAssigned is null");
        requireNonNull(accessMode, "accessMode is null");
        determinism = determinism.isEmpty()
                ? Collections.emptySet() : Collections.unmodifiableSet(EnumSet.copyOf(determinism));
        assignments = List.copyOf(assignments);
        userVariablesRead = List.copyOf(userVariablesRead);
        userVariablesAssigned = List.copyOf(userVariablesAssigned);
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("start, end: " + start + ", " + end + " (expected: 0 <= start <= end)");
        }
        if (statementCount < 1) {
            throw new IllegalArgumentException("statementCount: " + statementCount + " (expected: >= 1)");
        }
    }

    /** A classification that reads and assigns no user variable and leaves the access mode unchanged. */
    public Classification(StatementKind kind, String keyword, boolean implicitCommit, Set<Determinism> determinism,
            TransactionEffect transaction, Optional<String> database, List<VariableAssignment> assignments,
            boolean temporaryTable, int start, int end, int statementCount) {
        this(kind, keyword, implicitCommit, determinism, transaction, database, assignments, temporaryTable, start,
                end, statementCount, List.of(), List.of(), AccessMode.UNCHANGED);
    }

    /** Whether the classified text holds more than one statement. */
    public boolean multiStatement() {
        return statementCount > 1;
    }

    /** Whether replication cannot make it deterministic by itself ({@link Determinism#fixable()}). */
    public boolean unsafeForReplication() {
        return determinism.stream().anyMatch(d -> !d.fixable());
    }

    /**
     * Classifies statements sent together as one text: the most demanding kind wins, flags are united,
     * assignments concatenated, user variables united in order, the most permissive access mode kept (a text that
     * switches to read-write anywhere is one that can), and the last transaction effect and USE target that occur are
     * kept. A front end that must know what each statement reads (user variables assigned by one statement and read
     * by the next) looks at the parts.
     *
     * @param parts the classifications of the statements, in text order; not empty
     */
    public static Classification combine(List<Classification> parts) {
        requireNonNull(parts, "parts is null");
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("parts: [] (expected: at least one)");
        }
        if (parts.size() == 1) {
            return parts.getFirst();
        }
        StatementKind kind = StatementKind.EMPTY;
        boolean implicitCommit = false;
        boolean temporaryTable = false;
        EnumSet<Determinism> determinism = EnumSet.noneOf(Determinism.class);
        TransactionEffect transaction = TransactionEffect.NONE;
        Optional<String> database = Optional.empty();
        List<VariableAssignment> assignments = new ArrayList<>();
        Set<String> read = new LinkedHashSet<>();
        Set<String> assigned = new LinkedHashSet<>();
        AccessMode accessMode = AccessMode.UNCHANGED;
        int count = 0;
        for (Classification part : parts) {
            if (part.kind.compareTo(kind) > 0) {
                kind = part.kind;
            }
            implicitCommit |= part.implicitCommit;
            temporaryTable |= part.temporaryTable;
            determinism.addAll(part.determinism);
            if (part.transaction != TransactionEffect.NONE) {
                transaction = part.transaction;
            }
            if (part.database.isPresent()) {
                database = part.database;
            }
            assignments.addAll(part.assignments);
            read.addAll(part.userVariablesRead);
            assigned.addAll(part.userVariablesAssigned);
            if (part.accessMode.compareTo(accessMode) > 0) {
                accessMode = part.accessMode;
            }
            count += part.statementCount;
        }
        return new Classification(kind, parts.getFirst().keyword, implicitCommit, determinism, transaction,
                database, assignments, temporaryTable, parts.getFirst().start, parts.getLast().end, count,
                List.copyOf(read), List.copyOf(assigned), accessMode);
    }
}

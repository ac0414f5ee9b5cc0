package io.fluxdb.engine.mysql.frontend;

import io.fluxdb.engine.spi.AccessMode;
import io.fluxdb.engine.spi.Classification;
import io.fluxdb.engine.spi.StatementKind;
import io.fluxdb.engine.spi.TransactionEffect;
import io.fluxdb.engine.spi.VariableAssignment;
import io.fluxdb.protocol.message.server.ErrPacket;
import java.util.Locale;
import java.util.Optional;

/**
 * The transaction access mode a client asked for, kept by the operator because a cluster node's engine session is
 * read-only whatever the client says (the read-only net), so the engine cannot keep it: the session default ({@code
 * SET SESSION TRANSACTION READ ONLY}, {@code SET tx_read_only = 1}), the next transaction's ({@code SET TRANSACTION
 * READ ONLY}) and the open transaction's ({@code START TRANSACTION READ ONLY}, or any transaction begun while the
 * mode was read-only).
 *
 * <p>A statement that would change data while the client's mode is read-only is not replicated: it runs on this
 * node's read-only engine session, which refuses it exactly as MariaDB does (ERROR 1792), or runs it when it does not
 * write after all (a {@code CALL} of a procedure that only reads).
 */
final class ClientAccessMode {
    private boolean sessionReadOnly;
    /** {@code SET TRANSACTION READ ONLY} or {@code READ WRITE} for the next transaction only; null when not set. */
    private Boolean nextReadOnly;
    /** The mode of the transaction open now, or of the one the current statement opens. */
    private boolean transactionReadOnly;

    /**
     * A statement that sets the access mode, all of its assignments access modes or not. Returns the error MariaDB
     * gives, when it gives one, and changes nothing then.
     */
    Optional<ErrPacket> set(Classification c, boolean inTransaction) {
        Boolean session = null;
        Boolean next = null;
        for (VariableAssignment a : c.assignments()) {
            Optional<Boolean> readOnly = readOnly(a);
            if (readOnly == null) {
                continue;
            }
            if (readOnly.isEmpty()) {
                return Optional.of(new ErrPacket(1235, "42000", "FluxDB doesn't yet support 'setting the transaction"
                        + " access mode from an expression in a cluster; set it to READ ONLY or READ WRITE, or 1 or 0'"));
            }
            switch (a.scope()) {
                case SESSION -> session = readOnly.get();
                case NEXT_TRANSACTION -> next = readOnly.get();
                default -> { } // GLOBAL: the engine's default for new sessions, not this session's
            }
        }
        if (next != null && inTransaction) {
            return Optional.of(new ErrPacket(1568, "25001",
                    "Transaction characteristics can't be changed while a transaction is in progress"));
        }
        if (session != null) {
            sessionReadOnly = session;
        }
        if (next != null) {
            nextReadOnly = next;
        }
        return Optional.empty();
    }

    /**
     * Whether statement {@code c} runs read-only as the client asked: in a transaction, when that transaction is
     * read-only; outside one, when the next transaction's mode, or else the session's, is. A statement that begins a
     * transaction (a {@code BEGIN}, a write, DDL, a locking read, or any statement while autocommit is off) takes
     * that mode for the transaction and uses up the next transaction's.
     */
    boolean readOnly(Classification c, boolean inTransaction, boolean autocommit) {
        if (inTransaction) {
            return transactionReadOnly;
        }
        boolean begins = c.transaction() == TransactionEffect.BEGIN
                || c.transaction() == TransactionEffect.BEGIN_READ_ONLY;
        boolean readOnly;
        if (c.transaction() == TransactionEffect.BEGIN_READ_ONLY) {
            readOnly = true;
        } else if (begins && c.accessMode() == AccessMode.READ_WRITE) {
            readOnly = false; // START TRANSACTION READ WRITE, whatever the session's mode
        } else {
            readOnly = nextOrSession();
        }
        if (begins || !autocommit && startsTransaction(c) || changesData(c)) {
            transactionReadOnly = readOnly;
            nextReadOnly = null;
        }
        return readOnly;
    }

    /** Whether the transaction open now (or opened by the statement just judged) is read-only as the client asked. */
    boolean transactionReadOnly() {
        return transactionReadOnly;
    }

    /**
     * Whether the engine may refuse {@code c} in a read-only transaction: it may change data, or it is maintenance
     * that commits implicitly ({@code OPTIMIZE TABLE} is refused, {@code ANALYZE TABLE} is not).
     */
    static boolean changesData(Classification c) {
        return c.kind() == StatementKind.WRITE || c.kind() == StatementKind.DDL
                || c.kind() == StatementKind.LOCKING_READ || c.transaction() == TransactionEffect.LOCK_TABLES
                || c.kind() == StatementKind.ADMIN && c.implicitCommit();
    }

    /** COM_RESET_CONNECTION and COM_CHANGE_USER: the engine's defaults again. */
    void reset() {
        sessionReadOnly = false;
        nextReadOnly = null;
        transactionReadOnly = false;
    }

    private boolean nextOrSession() {
        return nextReadOnly != null ? nextReadOnly : sessionReadOnly;
    }

    private static boolean startsTransaction(Classification c) {
        return c.kind() != StatementKind.SESSION && c.kind() != StatementKind.EMPTY
                && c.kind() != StatementKind.TRANSACTION;
    }

    /**
     * What assignment {@code a} makes the access mode: read-only or not, empty when its value is not a literal, null
     * when it is no access mode.
     */
    private static Optional<Boolean> readOnly(VariableAssignment a) {
        String value = a.value().toUpperCase(Locale.ROOT).replaceAll("\\s+", " ").trim();
        if (a.name().equals("transaction")) {
            if (value.contains("READ ONLY")) {
                return Optional.of(true);
            }
            return value.contains("READ WRITE") ? Optional.of(false) : null;
        }
        if (!a.name().equals("tx_read_only") && !a.name().equals("transaction_read_only")) {
            return null;
        }
        return switch (value.replace("'", "")) {
            case "1", "ON", "TRUE" -> Optional.of(true);
            case "0", "OFF", "FALSE", "DEFAULT" -> Optional.of(false);
            default -> Optional.empty();
        };
    }
}

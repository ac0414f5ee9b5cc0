package io.fluxdb.engine.mysql.frontend;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.spi.Classification;
import io.fluxdb.engine.spi.VariableAssignment;
import io.fluxdb.protocol.constant.ServerStatus;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a client session has set that another connection would need to behave the same: the
 * default database, session variables set with SET, the status flags of the last response
 * (autocommit, open transaction). Tracked from the statements the client sends and confirmed by the
 * engine's OK, so a session that is later forwarded to another node (replication) can be replayed
 * there. Owned by the session's event loop.
 */
final class SessionState {
    private String database;
    private final Map<String, VariableAssignment> variables = new LinkedHashMap<>();
    private int statusFlags = ServerStatus.SERVER_STATUS_AUTOCOMMIT;
    private boolean multiStatements;

    SessionState(String database, boolean multiStatements) {
        this.database = database == null || database.isEmpty() ? null : database;
        this.multiStatements = multiStatements;
    }

    Optional<String> database() {
        return Optional.ofNullable(database);
    }

    /** Session variables in the order they were last set. */
    Map<String, VariableAssignment> variables() {
        return Collections.unmodifiableMap(variables);
    }

    int statusFlags() {
        return statusFlags;
    }

    boolean inTransaction() {
        return ServerStatus.has(statusFlags, ServerStatus.SERVER_STATUS_IN_TRANS);
    }

    boolean multiStatements() {
        return multiStatements;
    }

    /** The engine accepted COM_INIT_DB. */
    void databaseSelected(String name) {
        database = requireNonNull(name, "name is null");
    }

    /** The engine completed a COM_QUERY without error: record what it changed in the session. */
    void statementSucceeded(Classification classification) {
        classification.database().ifPresent(this::databaseSelected);
        for (VariableAssignment assignment : classification.assignments()) {
            variables.remove(assignment.name());
            variables.put(assignment.name(), assignment);
        }
    }

    /** The status flags of the last OK or EOF of a response. */
    void status(int flags) {
        statusFlags = flags;
    }

    void multiStatements(boolean on) {
        multiStatements = on;
    }

    /** COM_RESET_CONNECTION or COM_CHANGE_USER succeeded: the engine forgot the session. */
    void reset(String newDatabase) {
        database = newDatabase == null || newDatabase.isEmpty() ? null : newDatabase;
        variables.clear();
        statusFlags = ServerStatus.SERVER_STATUS_AUTOCOMMIT;
    }
}

package io.fluxdb.engine.mysql.frontend;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.mysql.sql.TableReferences;
import io.fluxdb.engine.mysql.sql.TableReferences.Form;
import io.fluxdb.engine.mysql.sql.TableReferences.TableName;
import io.fluxdb.engine.spi.Classification;
import io.fluxdb.engine.spi.ParseContext;
import io.fluxdb.engine.spi.StatementKind;
import io.fluxdb.protocol.message.server.ErrPacket;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The temporary tables of one client session. They exist in the session's own engine connection and nowhere else, so
 * the statements that create, drop or write them run there and are not replicated (the other nodes have nothing to
 * apply them to), and a replicated statement that names one is refused: replayed on a node without the table it would
 * fail there, or read a real table of the same name.
 *
 * <p>Names are compared exactly, as MariaDB does on Linux ({@code lower_case_table_names = 0}); a name that matches a
 * temporary table only when case is ignored is refused rather than guessed at. Owned by the session's event loop.
 */
final class TemporaryTables {
    private static final int ER_NOT_SUPPORTED_YET = 1235;

    /** What to do with a statement. */
    sealed interface Decision permits Replicate, Local, Refused {
    }

    /** Not about this session's temporary tables: routed and replicated as usual. */
    enum Replicate implements Decision {
        INSTANCE
    }

    /** Runs on this session's engine connection only, unreplicated; {@code ifExists} for a DROP. */
    record Local(Form form, List<TableName> tables, boolean ifExists) implements Decision {
        /** Whether it needs a read-write engine session: MariaDB refuses these in read-only mode, DML it allows. */
        boolean needsReadWrite() {
            return form != Form.WRITE;
        }
    }

    /** Refused before it runs. */
    record Refused(ErrPacket error) implements Decision {
    }

    private final Set<TableName> tables = new LinkedHashSet<>();

    /** Whether the session holds temporary tables (made through this session, not yet dropped). */
    boolean any() {
        return !tables.isEmpty();
    }

    /**
     * What to do with statement {@code c} (its text in {@code statement}, the session's character set), in a session
     * whose current database is {@code database}.
     */
    Decision decide(byte[] statement, Classification c, ParseContext parse, Optional<String> database) {
        requireNonNull(statement, "statement is null");
        if ((tables.isEmpty() && !c.temporaryTable())
                || (c.kind() != StatementKind.WRITE && c.kind() != StatementKind.DDL)) {
            // Reads of temporary tables need nothing: they run on this session's engine connection anyway.
            return Replicate.INSTANCE;
        }
        Optional<TableReferences.Statement> read = TableReferences.read(statement, parse);
        if (read.isEmpty() || c.multiStatement()) {
            // What runs here unreplicated must be exactly what was read: one statement.
            return refused("several statements in one text that writes, in a session with temporary tables, in a"
                    + " cluster; send them one by one");
        }
        TableReferences.Statement s = read.get();
        Decision local = local(s, c, database);
        if (local instanceof Local && s.executableComment()) {
            // The server runs some executable comments and skips others, by version: what it would run here
            // unreplicated cannot be told for certain.
            return refused("executable comments (/*! ... */) in a statement on temporary tables in a cluster");
        }
        return local;
    }

    private Decision local(TableReferences.Statement s, Classification c, Optional<String> database) {
        switch (s.form()) {
            case CREATE_TEMPORARY, CREATE_TEMPORARY_SELECT, DROP_TEMPORARY -> {
                if (!c.temporaryTable()) {
                    return refused("this statement in a cluster: it reads as a temporary table statement here and"
                            + " not to the statement classifier");
                }
                return new Local(s.form(), s.tables(), s.ifExists());
            }
            case DROP -> {
                long temporary = s.tables().stream().filter(t -> tables.contains(t.resolve(database))).count();
                if (temporary == s.tables().size()) {
                    return new Local(s.form(), s.tables(), s.ifExists());
                }
                if (temporary > 0) {
                    return refused("DROP TABLE of temporary and other tables together in a cluster; drop the"
                            + " temporary ones with DROP TEMPORARY TABLE");
                }
            }
            case TRUNCATE, WRITE -> {
                TableName target = s.tables().getFirst().resolve(database);
                if (tables.contains(target)) {
                    return new Local(s.form(), s.tables(), false);
                }
            }
            case OTHER -> {
                if (c.temporaryTable()) {
                    return refused("this form of temporary table statement in a cluster; use CREATE TEMPORARY TABLE"
                            + " or DROP TEMPORARY TABLE");
                }
            }
        }
        Optional<TableName> named = named(s);
        if (named.isPresent()) {
            return refused("a replicated statement that names the temporary table " + named.get() + " in a cluster;"
                    + " temporary tables exist on one node only, so other nodes cannot run it. Write the values"
                    + " into the statement, or give the temporary table a name no other table or column has");
        }
        return Replicate.INSTANCE;
    }

    /** A temporary table of this session that the statement names, ignoring case. */
    private Optional<TableName> named(TableReferences.Statement s) {
        for (TableName table : tables) {
            for (String name : s.names()) {
                if (name.equalsIgnoreCase(table.name())) {
                    return Optional.of(table);
                }
            }
        }
        return Optional.empty();
    }

    /** Statement {@code local} ran, in a session whose current database was {@code database}. */
    void ran(Local local, Optional<String> database) {
        switch (local.form()) {
            case CREATE_TEMPORARY, CREATE_TEMPORARY_SELECT -> tables.add(local.tables().getFirst().resolve(database));
            case DROP_TEMPORARY, DROP -> local.tables().forEach(t -> tables.remove(t.resolve(database)));
            default -> {
            }
        }
    }

    /** {@code table}, as it resolves in the session, is no temporary table of it (any more). */
    void forget(TableName table) {
        tables.remove(table);
    }

    /** The engine session was reset or changed user: its temporary tables are gone. */
    void clear() {
        tables.clear();
    }

    private static Refused refused(String what) {
        return new Refused(new ErrPacket(ER_NOT_SUPPORTED_YET, "42000", "FluxDB doesn't yet support '" + what + "'"));
    }
}

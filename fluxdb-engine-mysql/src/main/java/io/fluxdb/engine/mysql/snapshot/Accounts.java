package io.fluxdb.engine.mysql.snapshot;

import static io.fluxdb.engine.mysql.snapshot.DumpCatalog.account;
import static io.fluxdb.engine.mysql.snapshot.DumpFormat.literal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;

/**
 * Accounts, roles and their grants. Every role and account is dropped and created before anything else; grants come
 * last, once the tables and routines they name exist (and every role, since a role may be granted to another).
 */
final class Accounts {
    /** The engine's own accounts, present on every engine with engine-chosen settings. */
    private static final Set<String> ENGINE_ACCOUNTS = Set.of("mariadb.sys", "mysql.sys", "mysql.session",
            "mysql.infoschema", "PUBLIC", "root");

    private Accounts() {
    }

    /** Adds the statements that create the accounts to {@code accounts} and their grants to {@code grants}. */
    static void read(Statement s, Set<String> skipped, List<DumpStatement> accounts, List<DumpStatement> grants)
            throws SQLException {
        List<DumpStatement> out = accounts;
        for (String[] row : DumpCatalog.rows(s, "SELECT User, Host, is_role FROM mysql.user ORDER BY is_role DESC,"
                + " User, Host")) {
            String user = row[0];
            if (ENGINE_ACCOUNTS.contains(user) || skipped.contains(user)) {
                continue;
            }
            boolean role = "Y".equals(row[2]);
            String name = role ? literal(user) : account(user, row[1]);
            if (role) {
                out.add(DumpStatement.plain("", "DROP ROLE IF EXISTS " + name));
                out.add(DumpStatement.plain("", "CREATE ROLE " + name));
            } else {
                out.add(DumpStatement.plain("", "DROP USER IF EXISTS " + name));
                try (ResultSet rs = s.executeQuery("SHOW CREATE USER " + name)) {
                    rs.next();
                    out.add(DumpStatement.plain("", rs.getString(1)));
                }
            }
            for (String[] grant : DumpCatalog.rows(s, "SHOW GRANTS FOR " + name)) {
                grants.add(DumpStatement.plain("", grant[0]));
            }
        }
    }
}

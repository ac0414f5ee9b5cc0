package io.fluxdb.engine.mysql.account;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import javax.sql.DataSource;

/**
 * Reads accounts through the admin connection: from {@code mysql.global_priv} on MariaDB 10.4+
 * (whose {@code mysql.user} view lacks the lock flag), else from MySQL 8's {@code mysql.user}.
 */
public final class JdbcAccountLoader implements Callable<List<Account>> {
    static final String MARIADB_QUERY = "SELECT User, Host, JSON_VALUE(Priv, '$.plugin'),"
            + " JSON_VALUE(Priv, '$.authentication_string'),"
            + " IF(JSON_VALUE(Priv, '$.account_locked') = 'true', 'Y', 'N'), JSON_VALUE(Priv, '$.ssl_type')"
            + " FROM mysql.global_priv";
    static final String MYSQL_QUERY = "SELECT User, Host, plugin, authentication_string, account_locked, ssl_type"
            + " FROM mysql.user";

    private final DataSource admin;

    public JdbcAccountLoader(DataSource admin) {
        this.admin = requireNonNull(admin, "admin is null");
    }

    @Override
    public List<Account> call() throws SQLException {
        try (Connection c = admin.getConnection()) {
            boolean mariaDb = c.getMetaData().getDatabaseProductVersion().toLowerCase(java.util.Locale.ROOT)
                    .contains("mariadb");
            return load(c, mariaDb ? MARIADB_QUERY : MYSQL_QUERY);
        }
    }

    private static List<Account> load(Connection c, String query) throws SQLException {
        List<Account> accounts = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                String plugin = rs.getString(3);
                accounts.add(new Account(
                        rs.getString(1),
                        new HostPattern(rs.getString(2)),
                        plugin == null || plugin.isEmpty() ? "mysql_native_password" : plugin,
                        nullToEmpty(rs.getString(4)),
                        "Y".equalsIgnoreCase(rs.getString(5)),
                        TlsRequirement.parse(rs.getString(6))));
            }
        }
        return accounts;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}

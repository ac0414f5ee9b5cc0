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
 * Reads accounts from {@code mysql.user} through the admin connection. The same query works on
 * MariaDB 10.4+ (where {@code mysql.user} is a view over {@code mysql.global_priv}) and on MySQL 8.
 */
public final class JdbcAccountLoader implements Callable<List<Account>> {
    static final String QUERY = "SELECT User, Host, plugin, authentication_string, account_locked FROM mysql.user";

    private final DataSource admin;

    public JdbcAccountLoader(DataSource admin) {
        this.admin = requireNonNull(admin, "admin is null");
    }

    @Override
    public List<Account> call() throws SQLException {
        List<Account> accounts = new ArrayList<>();
        try (Connection c = admin.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(QUERY)) {
            while (rs.next()) {
                String plugin = rs.getString(3);
                accounts.add(new Account(
                        rs.getString(1),
                        new HostPattern(rs.getString(2)),
                        plugin == null || plugin.isEmpty() ? "mysql_native_password" : plugin,
                        nullToEmpty(rs.getString(4)),
                        "Y".equalsIgnoreCase(rs.getString(5))));
            }
        }
        return accounts;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}

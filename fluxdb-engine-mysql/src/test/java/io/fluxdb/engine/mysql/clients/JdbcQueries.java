package io.fluxdb.engine.mysql.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** One-row queries the JDBC client tests read results and engine counters with. */
final class JdbcQueries {
    private JdbcQueries() {
    }

    /** The first column of the first row {@code sql} returns, as the driver's long. */
    static long scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getLong(1);
        }
    }

    /** The first column of the first row {@code sql} returns, as the driver's string. */
    static String text(Connection c, String sql) throws SQLException {
        return row(c, sql).getFirst();
    }

    /** A session status counter of the engine, e.g. {@code Com_stmt_prepare}. */
    static long sessionStatus(Connection c, String variable) throws SQLException {
        return Long.parseLong(row(c, "SHOW SESSION STATUS LIKE '" + variable + "'").get(1));
    }

    /** Every column of the first row {@code sql} returns, as the driver's strings; the row must exist. */
    static List<String> row(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            List<String> row = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                row.add(rs.getString(i));
            }
            return row;
        }
    }
}

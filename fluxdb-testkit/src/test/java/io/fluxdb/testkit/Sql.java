package io.fluxdb.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Small JDBC helpers for the integration tests. */
final class Sql {

    private Sql() {
    }

    static Connection connect(MariaDbProcess db) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(""), "root", db.rootPassword());
    }

    static void execute(MariaDbProcess db, String... statements) throws SQLException {
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /** The first column of every row. */
    static List<String> column(MariaDbProcess db, String query) throws SQLException {
        try (Connection c = connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        }
    }

    static boolean portOpen(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(MariaDbProcess.LOOPBACK, port), 2_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

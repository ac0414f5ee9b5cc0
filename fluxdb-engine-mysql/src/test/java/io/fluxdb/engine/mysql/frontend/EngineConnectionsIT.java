package io.fluxdb.engine.mysql.frontend;

import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_FOUND_ROWS;
import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.mysql.testing.TestOperator;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Finding 4 of issue 11: logins that differ only in character set or capabilities must not leave
 * idle engine connections behind until the engine's {@code max_connections} is full.
 */
@Timeout(300)
class EngineConnectionsIT {
    private static final int LOGINS = 1000;

    /** MariaDB's default limit, which 400 such logins used to fill. */
    @RegisterExtension
    static final MariaDbExtension MARIADB = new MariaDbExtension(b -> b.maxConnections(151));

    @Test
    void athousandLoginsWithVariedCharsetsLeaveTheEngineConnectionsToSpare(MariaDbProcess db) throws Exception {
        String password = db.rootPassword();
        Map<Integer, String> collations = collations(db);
        List<Integer> ids = new ArrayList<>(collations.keySet());
        long engineLoginsBefore = status(db, "Connections");
        try (TestOperator operator = TestOperator.start(db)) {
            for (int i = 0; i < LOGINS; i++) {
                int collation = ids.get(i % ids.size());
                long extra = (i / ids.size()) % 2 == 1 ? CLIENT_FOUND_ROWS : 0;
                try (RawClient client = RawClient.connect(operator.port())) {
                    RawClient.RawPacket reply = client.authenticate("root", password, extra, collation);
                    assertThat(reply.isOk()).as("login %d with collation %d: %s", i, collation, reply).isTrue();
                    if (i % 50 == 0) {
                        // The session has the character set it asked for, whether its engine connection is new or reused.
                        assertThat(client.query("SELECT @@collation_connection").value())
                                .as("collation %d", collation).isEqualTo(collations.get(collation));
                    }
                    client.quit();
                }
            }
            long engineLogins = status(db, "Connections") - engineLoginsBefore;
            long connected = status(db, "Threads_connected");
            System.out.printf("%d client logins over %d collations: %d engine logins, %d engine connections open (max 151)%n",
                    LOGINS, ids.size(), engineLogins, connected);
            assertThat(connected).as("engine connections open after %d logins", LOGINS).isLessThan(151 - 5);
            // A fresh client, through the operator and directly, logs in right after.
            RawClient.assertServes(operator, password);
            try (Connection direct = DriverManager.getConnection(db.jdbcUrl(""), "root", password)) {
                assertThat(direct.isValid(5)).isTrue();
            }
        }
    }

    /** Collations a client may log in with, by id (those of ucs2, utf16 and utf32 are server-side only). */
    private static Map<Integer, String> collations(MariaDbProcess db) throws SQLException {
        Map<Integer, String> byId = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(""), "root", db.rootPassword());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT ID, COLLATION_NAME FROM information_schema.COLLATIONS"
                        + " WHERE CHARACTER_SET_NAME NOT IN ('ucs2', 'utf16', 'utf16le', 'utf32') AND ID < 256 ORDER BY ID")) {
            while (rs.next()) {
                byId.put(rs.getInt(1), rs.getString(2));
            }
        }
        return byId;
    }

    private static long status(MariaDbProcess db, String name) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(""), "root", db.rootPassword());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE '" + name + "'")) {
            rs.next();
            return rs.getLong(2);
        }
    }
}

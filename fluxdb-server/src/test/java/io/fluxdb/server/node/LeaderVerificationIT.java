package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A follower forwards its clients' writes only to the real leader: the leader's client-port certificate, learned over
 * the internal API, is the only one its forwarded sessions accept. A man in the middle between follower and leader
 * (a TLS-terminating relay with its own certificate), or one that offers no TLS, gets the follower's TLS handshake at
 * most, never its login; the client is told its statement did not run. Without the man in the middle forwarding
 * works as before.
 */
@Timeout(300)
class LeaderVerificationIT {
    private static ProxiedCluster cluster;
    private static MySqlTlsRelay relay;
    private static int leader;
    private static int follower;

    @BeforeAll
    static void start() throws Exception {
        cluster = ProxiedCluster.start(3);
        leader = cluster.awaitLeader();
        follower = (leader + 1) % cluster.size();
        try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
            s.execute("CREATE USER 'app'@'%' IDENTIFIED BY 'app-password'");
            s.execute("GRANT ALL ON app.* TO 'app'@'%'");
            s.execute("CREATE TABLE app.t (id INT PRIMARY KEY)");
        }
        cluster.awaitConverged(Duration.ofSeconds(30));
        relay = MySqlTlsRelay.start(cluster.clientAddress(leader), Files.createTempDirectory("fluxdb-relay"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (relay != null) {
            relay.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void noManInTheMiddle() {
        cluster.redirectClientPort(leader, null);
        relay.offerTls(true);
        relay.reset();
    }

    @Test
    void aFollowerForwardsToTheLeaderItVerified() throws Exception {
        insertThroughFollower(1);
        try (Connection c = cluster.connect(leader, "app", "app-password", Duration.ofSeconds(30));
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM app.t WHERE id = 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void aManInTheMiddleWithItsOwnCertificateNeverSeesTheLogin() throws Exception {
        // The relay is a working man in the middle: a client that trusts any certificate logs in through it.
        String url = "jdbc:mariadb://" + relay.address().getHostString() + ":" + relay.address().getPort()
                + "/app?sslMode=trust&connectTimeout=5000";
        try (Connection c = DriverManager.getConnection(url, "app", "app-password"); Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        }
        assertThat(relay.clientBytesSeen.get()).as("a trusting client's login crosses the relay").isPositive();
        relay.reset();

        cluster.redirectClientPort(leader, relay.address());
        assertThatThrownBy(() -> insertThroughFollower(2)).isInstanceOfSatisfying(SQLException.class, e -> assertThat(
                e.getMessage()).contains("is not verified as node", "not the one node", "credential was not sent",
                        "nothing ran"));
        assertThat(relay.tlsRequests.get()).as("the follower asked the relay for TLS").isPositive();
        assertThat(relay.clientBytesSeen.get()).as("bytes of the follower's login the relay saw").isZero();

        cluster.redirectClientPort(leader, null);
        insertThroughFollower(3);
        assertThat(count()).as("the refused write did not run").isEqualTo(0);
    }

    @Test
    void aServerThatOffersNoTlsIsRefusedBeforeTheLogin() throws Exception {
        relay.offerTls(false);
        cluster.redirectClientPort(leader, relay.address());
        assertThatThrownBy(() -> insertThroughFollower(4)).isInstanceOfSatisfying(SQLException.class, e -> assertThat(
                e.getMessage()).contains("is not verified as node", "does not offer TLS", "credential was not sent"));
        assertThat(relay.tlsRequests.get()).isZero();
        assertThat(relay.clientBytesSeen.get()).as("bytes of the follower's login the relay saw").isZero();
    }

    private static void insertThroughFollower(int id) throws SQLException {
        try (Connection c = cluster.connect(follower, "app", "app-password", Duration.ofSeconds(30));
                Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO app.t VALUES (" + id + ")");
        }
    }

    private static int count() throws SQLException {
        try (Connection c = cluster.connect(leader, "app", "app-password", Duration.ofSeconds(30));
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM app.t WHERE id = 2")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}

package io.fluxdb.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;

/** Two servers side by side: separate data, working passwords, and nothing left behind after close. */
final class TwoServersScenario {

    private TwoServersScenario() {
    }

    static void run(MariaDbBinaries binaries) throws SQLException {
        long begin = System.nanoTime();
        MariaDbProcess a = MariaDbProcess.builder().binaries(binaries).rootPassword("pw'a\\1").start();
        Duration firstStart = Duration.ofNanos(System.nanoTime() - begin);
        MariaDbProcess b;
        try {
            b = MariaDbProcess.builder().binaries(binaries).rootPassword("pw-b").maxConnections(20).start();
        } catch (RuntimeException e) {
            a.close();
            throw e;
        }
        System.out.printf("%s %s: first start %d ms, both %d ms%n", binaries.flavour(), binaries.version(),
                firstStart.toMillis(), Duration.ofNanos(System.nanoTime() - begin).toMillis());
        Path dirA = a.instanceDir();
        Path dirB = b.instanceDir();
        try (a; b) {
            assertThat(a.port()).isNotEqualTo(b.port());
            assertThat(a.isRunning()).isTrue();
            assertThat(a.pid()).isPresent();
            assertThat(a.dataDir()).startsWith(dirA);

            Sql.execute(a, "CREATE DATABASE app",
                    "CREATE TABLE app.t (id INT PRIMARY KEY, v VARCHAR(20))",
                    "INSERT INTO app.t VALUES (1, 'one'), (2, 'two')");

            assertThat(Sql.column(b, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'app'"))
                    .containsExactly("0");
            assertThat(Sql.column(a, "SELECT v FROM app.t ORDER BY id")).containsExactly("one", "two");
            assertThat(Sql.column(b, "SELECT @@max_connections")).containsExactly("20");
            assertThat(Sql.column(a, "SELECT @@innodb_buffer_pool_size")).containsExactly(String.valueOf(64 << 20));

            assertThatThrownBy(() -> DriverManager.getConnection(a.jdbcUrl(""), "root", "wrong").close())
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1045));
            assertThatThrownBy(() -> DriverManager.getConnection(b.jdbcUrl(""), "root", a.rootPassword()).close())
                    .isInstanceOf(SQLException.class);

            // Exactly the four root accounts exist, all with the password (the socket login is 'root'@'localhost').
            assertThat(Sql.column(a, "SELECT Host FROM mysql.user WHERE User = 'root'"
                    + " AND Password = PASSWORD('pw''a\\\\1') ORDER BY Host"))
                    .containsExactly("%", "127.0.0.1", "::1", "localhost");
            assertThat(Sql.column(a, "SELECT COUNT(*) FROM mysql.user WHERE User = 'root'")).containsExactly("4");
            assertThat(HandshakeProbe.probe(UnixDomainSocketAddress.of(a.socketPath()), Duration.ofSeconds(5)))
                    .isEmpty();
        }
        assertThat(Sql.portOpen(a.port())).as("port of a after close").isFalse();
        assertThat(Sql.portOpen(b.port())).as("port of b after close").isFalse();
        assertThat(dirA).doesNotExist();
        assertThat(dirB).doesNotExist();
        assertThat(a.isRunning()).isFalse();
        a.close(); // idempotent
    }
}

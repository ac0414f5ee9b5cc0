package io.fluxdb.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestartIT {

    @Test
    void stopThenStartKeepsDataAndPort() throws SQLException {
        try (MariaDbProcess db = MariaDbProcess.builder().rootPassword("restart").start()) {
            Sql.execute(db, "CREATE DATABASE app", "CREATE TABLE app.t (id INT PRIMARY KEY)",
                    "INSERT INTO app.t VALUES (1)");
            int port = db.port();
            long pid = db.pid().orElseThrow();

            db.stop();
            assertThat(db.isRunning()).isFalse();
            assertThat(db.pid()).isEmpty();
            assertThat(Sql.portOpen(port)).isFalse();
            db.stop(); // already stopped

            db.start();
            assertThat(db.port()).isEqualTo(port);
            assertThat(db.pid().orElseThrow()).isNotEqualTo(pid);
            assertThat(Sql.column(db, "SELECT id FROM app.t")).containsExactly("1");
        }
    }

    @Test
    void killThenStartRecoversCommittedData() throws SQLException {
        try (MariaDbProcess db = MariaDbProcess.builder().start()) {
            Sql.execute(db, "CREATE DATABASE app", "CREATE TABLE app.t (id INT PRIMARY KEY) ENGINE=InnoDB",
                    "INSERT INTO app.t VALUES (1), (2)");

            db.kill();
            assertThat(db.isRunning()).isFalse();

            db.start();
            assertThat(Sql.column(db, "SELECT COUNT(*) FROM app.t")).containsExactly("2");
        }
    }

    @Test
    void persistentDirectoryIsKeptAndReused(@TempDir Path dir) throws SQLException, IOException {
        Path home = dir.resolve("engine");
        try (MariaDbProcess db = MariaDbProcess.builder().persistentDirectory(home).rootPassword("one").start()) {
            Sql.execute(db, "CREATE DATABASE app", "CREATE TABLE app.t (id INT PRIMARY KEY)",
                    "INSERT INTO app.t VALUES (7)");
        }
        assertThat(home.resolve("data/app")).isDirectory();
        assertThat(home.resolve("error.log")).isRegularFile();
        assertThat(home.resolve("init.sql")).doesNotExist();
        long installLog = Files.size(home.resolve("install-db.log"));

        // A new password applies to the existing data directory, which is not created again.
        try (MariaDbProcess db = MariaDbProcess.builder().persistentDirectory(home).rootPassword("two").start()) {
            assertThat(db.rootPassword()).isEqualTo("two");
            assertThat(Sql.column(db, "SELECT id FROM app.t")).containsExactly("7");
        }
        assertThat(Files.size(home.resolve("install-db.log"))).isEqualTo(installLog);
    }
}

package io.fluxdb.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

    private static ServerConfig config(Optional<Path> baseDir, boolean root, List<ServerConfig.Option> options) {
        Path dir = Path.of("/tmp/x");
        return new ServerConfig(baseDir, dir.resolve("data"), dir.resolve("mysqld.sock"), dir.resolve("mysqld.pid"),
                dir.resolve("error.log"), dir.resolve("tmp"), 3307, 50, root, options);
    }

    @Test
    void rendersSmallFootprintDefaults() {
        String cnf = config(Optional.empty(), false, List.of()).render();

        assertThat(cnf.lines()).containsSequence("[mysqld]", "datadir=/tmp/x/data", "port=3307",
                "socket=/tmp/x/mysqld.sock", "pid-file=/tmp/x/mysqld.pid", "log-error=/tmp/x/error.log",
                "tmpdir=/tmp/x/tmp", "bind-address=127.0.0.1", "max_connections=50");
        assertThat(cnf.lines()).contains("innodb_buffer_pool_size=64M", "innodb_log_file_size=16M",
                "performance_schema=OFF", "skip-log-bin", "skip-ssl", "skip-name-resolve", "connect_timeout=60");
        assertThat(cnf).doesNotContain("basedir=").doesNotContain("user=");
        assertThat(cnf).endsWith("\n");
    }

    @Test
    void rendersBaseDirAndRootUser() {
        String cnf = config(Optional.of(Path.of("/opt/mariadb")), true, List.of()).render();

        assertThat(cnf.lines()).contains("basedir=/opt/mariadb", "user=root");
    }

    @Test
    void extraOptionsComeLastSoTheyOverrideDefaults() {
        String cnf = config(Optional.empty(), false, List.of(
                new ServerConfig.Option("innodb_buffer_pool_size", "128M"),
                new ServerConfig.Option("ssl", null))).render();

        List<String> lines = cnf.lines().toList();
        assertThat(lines.subList(lines.size() - 2, lines.size())).containsExactly("innodb_buffer_pool_size=128M", "ssl");
        assertThat(lines.indexOf("innodb_buffer_pool_size=64M")).isLessThan(lines.indexOf("innodb_buffer_pool_size=128M"));
    }

    @Test
    void rejectsOptionsTheProcessManages() {
        assertThatThrownBy(() -> new ServerConfig.Option("port", "3306"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> new ServerConfig.Option("pid-file", "/x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ServerConfig.Option("Max-Connections", "5"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsMalformedOptions() {
        assertThatThrownBy(() -> new ServerConfig.Option("a b", "1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ServerConfig.Option("", "1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ServerConfig.Option("x", "1\nport=1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line break");
    }

    @Test
    void rootPasswordSqlCoversEveryHostOneStatementPerLine() {
        String sql = ServerConfig.rootPasswordSql("pw", false);

        for (String host : List.of("localhost", "127.0.0.1", "::1", "%")) {
            assertThat(sql).contains("CREATE USER IF NOT EXISTS 'root'@'" + host + "' IDENTIFIED BY 'pw';\n")
                    .contains("ALTER USER 'root'@'" + host + "' IDENTIFIED BY 'pw';\n")
                    .contains("GRANT ALL PRIVILEGES ON *.* TO 'root'@'" + host + "' WITH GRANT OPTION;\n");
        }
        assertThat(sql.lines()).allMatch(line -> line.endsWith(";"));
        assertThat(sql).doesNotContain("DROP USER");
    }

    @Test
    void newDataDirDropsTheHostNameRootFirst() {
        String sql = ServerConfig.rootPasswordSql("pw", true);

        assertThat(sql).contains("@@hostname");
        assertThat(sql.indexOf("EXECUTE fluxdb_drop;")).isLessThan(sql.indexOf("CREATE USER"));
        assertThat(sql.lines()).allMatch(line -> line.endsWith(";"));
    }

    @Test
    void escapesQuotesAndBackslashes() {
        assertThat(ServerConfig.sqlString("a'b\\c")).isEqualTo("'a''b\\\\c'");
        assertThatThrownBy(() -> ServerConfig.sqlString("a\nb")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void validatesNumbers() {
        Path p = Path.of("/x");
        assertThatThrownBy(() -> new ServerConfig(Optional.empty(), p, p, p, p, p, 0, 1, false, List.of()))
                .hasMessage("port: 0 (expected: 1-65535)");
        assertThatThrownBy(() -> new ServerConfig(Optional.empty(), p, p, p, p, p, 1, 0, false, List.of()))
                .hasMessage("maxConnections: 0 (expected: >= 1)");
    }
}

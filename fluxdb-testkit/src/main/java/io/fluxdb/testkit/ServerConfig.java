package io.fluxdb.testkit;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The generated option file and the SQL that sets the root password; pure functions, so unit tests cover them.
 *
 * @param options extra {@code key=value} options; a {@code null} value renders a bare flag such as {@code skip-ssl}
 */
record ServerConfig(
        Optional<Path> baseDir,
        Path dataDir,
        Path socket,
        Path pidFile,
        Path errorLog,
        Path tmpDir,
        int port,
        int maxConnections,
        boolean runAsRoot,
        List<Option> options) {

    /** One extra server option. */
    record Option(String key, String value) {
        Option {
            validateOption(key, value);
        }

        String render() {
            return value == null ? key : key + "=" + value;
        }
    }

    private static final Pattern KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]*");
    /** Options that the process itself owns; overriding them would break its bookkeeping. */
    private static final Set<String> RESERVED = Set.of("basedir", "datadir", "port", "socket", "pid_file",
            "log_error", "tmpdir", "user", "defaults_file", "defaults_extra_file", "init_file", "max_connections",
            "skip_networking");
    /** The hosts root may connect from; the server resolves no names, so 'localhost' covers only the socket. */
    static final List<String> ROOT_HOSTS = List.of("localhost", "127.0.0.1", "::1", "%");

    ServerConfig {
        requireNonNull(baseDir, "baseDir is null");
        requireNonNull(dataDir, "dataDir is null");
        requireNonNull(socket, "socket is null");
        requireNonNull(pidFile, "pidFile is null");
        requireNonNull(errorLog, "errorLog is null");
        requireNonNull(tmpDir, "tmpDir is null");
        options = List.copyOf(options);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: >= 1)");
        }
    }

    static void validateOption(String key, String value) {
        requireNonNull(key, "key is null");
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("option key: '" + key + "' (expected: a server option name)");
        }
        String normal = key.toLowerCase(Locale.ROOT).replace('-', '_');
        if (RESERVED.contains(normal)) {
            throw new IllegalArgumentException("option key: '" + key
                    + "' (expected: not one the process manages; use the builder's own setting)");
        }
        if (value != null && (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0)) {
            throw new IllegalArgumentException("option " + key + ": value contains a line break");
        }
    }

    /**
     * The option file. Extra options come last because the server takes the last occurrence of an option, so they
     * override the small-footprint defaults.
     */
    String render() {
        List<String> lines = new ArrayList<>();
        lines.add("# Generated for one private server; rewritten at each start.");
        lines.add("[mysqld]");
        baseDir.ifPresent(dir -> lines.add("basedir=" + dir));
        lines.add("datadir=" + dataDir);
        lines.add("port=" + port);
        lines.add("socket=" + socket);
        lines.add("pid-file=" + pidFile);
        lines.add("log-error=" + errorLog);
        lines.add("tmpdir=" + tmpDir);
        lines.add("bind-address=127.0.0.1");
        lines.add("max_connections=" + maxConnections);
        if (runAsRoot) {
            // mariadbd refuses to run as root unless told to.
            lines.add("user=root");
        }
        lines.add("skip-name-resolve");
        lines.add("innodb_buffer_pool_size=64M");
        lines.add("innodb_log_file_size=16M");
        lines.add("performance_schema=OFF");
        lines.add("skip-log-bin");
        // The default 10 s for a login (including a TLS handshake) is too short on a loaded 2-core CI host.
        lines.add("connect_timeout=60");
        // MariaDB 11.4 otherwise generates a self-signed certificate at every start: seconds of CPU on a busy host.
        lines.add("skip-ssl");
        for (Option option : options) {
            lines.add(option.render());
        }
        return String.join("\n", lines) + "\n";
    }

    /**
     * SQL for {@code --init-file}, one statement per line as the server reads it, giving root the password from
     * every host in {@link #ROOT_HOSTS}. It is idempotent, so it can run at every start.
     *
     * @param newDataDir whether {@code mariadb-install-db} has just run; it also creates a passwordless
     *     {@code 'root'@'<hostname>'}, which is dropped then
     */
    static String rootPasswordSql(String password, boolean newDataDir) {
        requireNonNull(password, "password is null");
        String literal = sqlString(password);
        StringBuilder sql = new StringBuilder();
        if (newDataDir) {
            // The host name is known only inside the server. A host named like one of ROOT_HOSTS is recreated below.
            sql.append("SET @fluxdb_drop = CONCAT('DROP USER IF EXISTS ''root''@''', @@hostname, '''');\n");
            sql.append("PREPARE fluxdb_drop FROM @fluxdb_drop;\n");
            sql.append("EXECUTE fluxdb_drop;\n");
            sql.append("DEALLOCATE PREPARE fluxdb_drop;\n");
        }
        for (String host : ROOT_HOSTS) {
            String user = "'root'@" + sqlString(host);
            sql.append("CREATE USER IF NOT EXISTS ").append(user).append(" IDENTIFIED BY ").append(literal)
                    .append(";\n");
            sql.append("ALTER USER ").append(user).append(" IDENTIFIED BY ").append(literal).append(";\n");
            sql.append("GRANT ALL PRIVILEGES ON *.* TO ").append(user).append(" WITH GRANT OPTION;\n");
        }
        return sql.toString();
    }

    /** A quoted SQL string literal for the server's default SQL mode, in which backslash escapes. */
    static String sqlString(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException("control character in SQL string (not allowed in an init file)");
            }
        }
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}

package io.fluxdb.engine.spi;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What an engine needs to reach (or launch) its database.
 *
 * @param host the engine's host name or address ({@code DB_COMPONENT_NAME})
 * @param port the engine's port, 1 to 65535
 * @param adminUser the administrative account the operator uses for apply, dump and restore ({@code DB_USER})
 * @param adminPassword that account's password ({@code DB_INIT_PASS}); may be empty, never printed
 * @param initialDatabase the database created at first start ({@code INIT_DB_NAME}), if any
 * @param dataDirectory where a managed local engine keeps its data; empty when the engine runs elsewhere
 * @param options engine-specific settings, by name; engines reject names they do not know
 */
public record EngineConfig(
        String host,
        int port,
        String adminUser,
        String adminPassword,
        Optional<String> initialDatabase,
        Optional<Path> dataDirectory,
        Map<String, String> options) {

    /** Longest database name MySQL, MariaDB and PostgreSQL all accept. */
    private static final int MAX_DATABASE_NAME = 63;

    public EngineConfig {
        requireNonNull(host, "host is null");
        requireNonNull(adminUser, "adminUser is null");
        requireNonNull(adminPassword, "adminPassword is null");
        requireNonNull(initialDatabase, "initialDatabase is null");
        requireNonNull(dataDirectory, "dataDirectory is null");
        requireNonNull(options, "options is null");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host: '" + host + "' (expected: a host name or address)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
        if (adminUser.isBlank()) {
            throw new IllegalArgumentException("adminUser: '" + adminUser + "' (expected: non-blank)");
        }
        initialDatabase.ifPresent(EngineConfig::checkDatabaseName);
        TreeMap<String, String> sorted = new TreeMap<>();
        options.forEach((key, value) -> {
            requireNonNull(key, "option name is null");
            requireNonNull(value, "option '" + key + "' is null");
            if (key.isBlank()) {
                throw new IllegalArgumentException("option name: '" + key + "' (expected: non-blank)");
            }
            sorted.put(key, value);
        });
        options = Collections.unmodifiableMap(sorted);
    }

    /** A configuration for an engine reached over the network, with no initial database and no options. */
    public static EngineConfig of(String host, int port, String adminUser, String adminPassword) {
        return new EngineConfig(host, port, adminUser, adminPassword, Optional.empty(), Optional.empty(), Map.of());
    }

    /** The value of an engine option, if set. */
    public Optional<String> option(String name) {
        requireNonNull(name, "name is null");
        return Optional.ofNullable(options.get(name));
    }

    // Database names end up in identifiers on every node, so reject what any engine would refuse or misread.
    private static void checkDatabaseName(String name) {
        if (name.isEmpty() || name.length() > MAX_DATABASE_NAME || name.endsWith(" ")
                || name.chars().anyMatch(c -> c == '/' || c == '\\' || c == '.' || c == '`' || c < 0x20)) {
            throw new IllegalArgumentException("initialDatabase: '" + name
                    + "' (expected: 1-" + MAX_DATABASE_NAME + " characters, no '/', '\\', '.', '`', control characters"
                    + " or trailing space)");
        }
    }

    @Override
    public String toString() {
        return "EngineConfig[host=" + host + ", port=" + port + ", adminUser=" + adminUser
                + ", adminPassword=" + (adminPassword.isEmpty() ? "(empty)" : "****")
                + ", initialDatabase=" + initialDatabase.orElse("(none)")
                + ", dataDirectory=" + dataDirectory.map(Path::toString).orElse("(external engine)")
                + ", options=" + options.keySet() + "]";
    }
}

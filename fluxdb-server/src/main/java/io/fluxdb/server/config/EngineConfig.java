package io.fluxdb.server.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The local database engine this operator fronts.
 *
 * @param engine the registered engine name ({@code ENGINE}, e.g. {@code mysql})
 * @param endpoint where the engine listens ({@code DB_COMPONENT_NAME})
 * @param user the administrative account the operator uses ({@code DB_USER})
 * @param password that account's password ({@code DB_INIT_PASS}); hidden in {@code toString()}
 * @param initDatabase the user database created at first start ({@code INIT_DB_NAME})
 * @param selectInitDatabase whether a client that names no database gets {@code initDatabase} selected
 *     ({@code SELECT_INIT_DB}), as the original's pooled connections had it
 * @param startWait how long the operator waits at start for the engine to accept connections and its login
 *     ({@code ENGINE_WAIT}); zero tries once
 */
public record EngineConfig(String engine, HostPort endpoint, String user, Secret password, String initDatabase,
        boolean selectInitDatabase, Duration startWait) {
    public static final String DEFAULT_ENGINE = "mysql";
    public static final int DEFAULT_PORT = 3306;
    public static final HostPort DEFAULT_ENDPOINT = new HostPort("localhost", DEFAULT_PORT);
    public static final String DEFAULT_USER = "root";
    public static final String DEFAULT_INIT_DATABASE = "test_db";
    /**
     * On Flux the engine's container starts with the operator's, and a first MySQL boot (initialising its data
     * directory) takes minutes on a slow node.
     */
    public static final Duration DEFAULT_START_WAIT = Duration.ofMinutes(5);

    /** An engine whose clients get {@code initDatabase} selected when they name none, the default. */
    public EngineConfig(String engine, HostPort endpoint, String user, Secret password, String initDatabase) {
        this(engine, endpoint, user, password, initDatabase, true, DEFAULT_START_WAIT);
    }

    public EngineConfig {
        requireNonNull(engine, "engine is null");
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        requireNonNull(initDatabase, "initDatabase is null");
        requireNonNull(startWait, "startWait is null");
        if (startWait.isNegative()) throw new IllegalArgumentException("startWait: " + startWait + " (expected: >= 0)");
        if (!engine.equals(ConfigValues.parseEngineName(engine))) throw new IllegalArgumentException("engine: " + engine);
        if (!user.equals(ConfigValues.parseUserName(user))) throw new IllegalArgumentException("user: '" + user + "'");
        if (!initDatabase.equals(ConfigValues.parseDatabaseName(initDatabase))) {
            throw new IllegalArgumentException("initDatabase: '" + initDatabase + "'");
        }
    }
}

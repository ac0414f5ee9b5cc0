package io.fluxdb.engine.mysql;

import io.fluxdb.engine.spi.Engine;
import io.fluxdb.engine.spi.EngineConfig;
import io.fluxdb.engine.spi.EngineFactory;

/** Registers the {@code mysql} engine: MySQL 8+ and MariaDB 10.6+. */
public final class MySqlEngineFactory implements EngineFactory {
    public static final String NAME = "mysql";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Engine create(EngineConfig config) {
        return new MySqlEngine(config);
    }
}

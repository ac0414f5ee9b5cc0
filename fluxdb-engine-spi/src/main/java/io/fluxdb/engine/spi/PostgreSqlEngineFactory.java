package io.fluxdb.engine.spi;

import static java.util.Objects.requireNonNull;

/** Placeholder for PostgreSQL: registered so that configuring it stops the operator with a clear message. */
public final class PostgreSqlEngineFactory implements EngineFactory {

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public Engine create(EngineConfig config) {
        requireNonNull(config, "config is null");
        throw PlaceholderEngines.notImplemented(name());
    }

    @Override
    public boolean implemented() {
        return false;
    }
}

package io.fluxdb.engine.mysql.apply;

import io.fluxdb.engine.mysql.MySqlEngine;
import io.fluxdb.engine.mysql.MySqlEngineFactory;
import io.fluxdb.engine.spi.ApplyResult;
import io.fluxdb.engine.spi.EngineConfig;
import io.fluxdb.engine.spi.EntryKind;
import java.util.Optional;

/**
 * A separate JVM that applies one DDL entry and is meant to die in the middle: started by {@link DdlCrashWindowIT}
 * with {@code -Dfluxdb.apply.haltAt=...}. Arguments: host, port, log index, database, statement; root's password in
 * the environment variable {@value #PASSWORD_ENV}.
 */
public final class DdlCrashChild {
    static final String PASSWORD_ENV = "FLUXDB_TEST_ROOT_PASSWORD";

    private DdlCrashChild() {
    }

    public static void main(String[] args) {
        EngineConfig config = EngineConfig.of(args[0], Integer.parseInt(args[1]), "root",
                System.getenv(PASSWORD_ENV));
        try (MySqlEngine engine = (MySqlEngine) new MySqlEngineFactory().create(config)) {
            engine.start();
            ApplyResult result = engine.apply(Long.parseLong(args[2]),
                    ApplyTesting.entry(EntryKind.IMPLICIT_COMMIT, args[3], Optional.empty(), args[4]));
            System.out.println("applied: " + result);
        }
        System.exit(0);
    }
}

package io.fluxdb.server.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.fluxdb.server.config.LogLevel;
import org.slf4j.LoggerFactory;

/** Applies LOG_LEVEL to the root logger; the server is the only module that knows the slf4j binding. */
final class Logging {
    private Logging() {}

    static void apply(LogLevel level) {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level.name(), Level.INFO));
    }
}

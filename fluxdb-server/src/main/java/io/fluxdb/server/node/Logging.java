package io.fluxdb.server.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.fluxdb.server.config.LogLevel;
import org.slf4j.LoggerFactory;

/** Applies LOG_LEVEL to the root logger; the server is the only module that knows the slf4j binding. */
final class Logging {
    /**
     * The gRPC inside Ratis logs through java.util.logging, in that library's own two-line format: its INFO lines
     * (which transport it found) say nothing a user needs, so only its warnings are printed. Held here because
     * java.util.logging keeps only weak references to its loggers, which would lose the level.
     */
    private static final java.util.logging.Logger GRPC = java.util.logging.Logger.getLogger(
            "org.apache.ratis.thirdparty.io.grpc");

    private Logging() {}

    static void apply(LogLevel level) {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level.name(), Level.INFO));
        GRPC.setLevel(switch (level) {
            case TRACE, DEBUG -> java.util.logging.Level.INFO;
            case INFO, WARN -> java.util.logging.Level.WARNING;
            case ERROR -> java.util.logging.Level.SEVERE;
        });
    }

    /**
     * For nodes that all run in this process ({@code fluxdb dev}): Ratis' transport warns about every request to a
     * peer that does not listen yet or any more, which there happens only while the nodes start one after the other
     * and stop together, and would bury the lines that say how that went. Its errors are still printed, and
     * its warnings too with {@code LOG_LEVEL=debug}.
     *
     * @param level the LOG_LEVEL applied
     */
    static void quietPeerLoss(LogLevel level) {
        if (level != LogLevel.DEBUG && level != LogLevel.TRACE) {
            ((Logger) LoggerFactory.getLogger("org.apache.ratis.grpc")).setLevel(Level.ERROR);
        }
    }
}

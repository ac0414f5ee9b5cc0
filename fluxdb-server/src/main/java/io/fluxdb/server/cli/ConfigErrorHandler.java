package io.fluxdb.server.cli;

import io.fluxdb.server.config.ConfigException;
import java.io.PrintWriter;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an invalid configuration into one line per problem on stderr and exit code 2, the
 * code picocli uses for invalid input. A node that cannot start (engine unreachable, port in use)
 * gets one line with the reason and its causes, and exit code 1; the stack trace goes to the
 * DEBUG log, not to the user.
 */
public final class ConfigErrorHandler implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception exception, CommandLine commandLine, ParseResult parseResult)
            throws Exception {
        PrintWriter err = commandLine.getErr();
        if (!(exception instanceof ConfigException config)) {
            StringBuilder reason = new StringBuilder(String.valueOf(exception.getMessage()));
            for (Throwable cause = exception.getCause(); cause != null; cause = cause.getCause()) {
                if (cause.getMessage() != null && !reason.toString().contains(cause.getMessage())) {
                    reason.append(": ").append(cause.getMessage());
                }
            }
            err.println("fluxdb: cannot start: " + reason);
            err.flush();
            LoggerFactory.getLogger(ConfigErrorHandler.class).debug("start failed", exception);
            return 1;
        }
        config.problems().forEach(err::println);
        err.flush();
        return commandLine.getCommandSpec().exitCodeOnInvalidInput();
    }
}

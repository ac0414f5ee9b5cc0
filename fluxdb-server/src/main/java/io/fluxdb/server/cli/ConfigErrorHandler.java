package io.fluxdb.server.cli;

import io.fluxdb.server.config.ConfigException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an invalid configuration into one line per problem on stderr and exit code 2, the
 * code picocli uses for invalid input; anything else keeps picocli's default handling.
 */
public final class ConfigErrorHandler implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception exception, CommandLine commandLine, ParseResult parseResult)
            throws Exception {
        if (!(exception instanceof ConfigException config)) throw exception;
        PrintWriter err = commandLine.getErr();
        config.problems().forEach(err::println);
        err.flush();
        return commandLine.getCommandSpec().exitCodeOnInvalidInput();
    }
}

package io.fluxdb.server;

import io.fluxdb.server.cli.FluxDbCommand;
import picocli.CommandLine;

/** The {@code fluxdb} launcher. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with every subcommand and converter registered; tests parse with it too. */
    public static CommandLine commandLine() {
        return new CommandLine(new FluxDbCommand());
    }
}

package io.fluxdb.server;

import io.fluxdb.server.node.NodeRunner;
import io.fluxdb.server.cli.ConfigErrorHandler;
import io.fluxdb.server.cli.DevLauncher;
import io.fluxdb.server.cli.FluxDbCommand;
import io.fluxdb.server.cli.NodeLauncher;
import java.util.Map;
import picocli.CommandLine;

/** The {@code fluxdb} launcher. */
public final class Main {
    private static final String LEAK_DETECTION = "io.netty.leakDetection.level";

    private Main() {}

    public static void main(String[] args) {
        // Netty's default leak detection records a stack trace for one buffer in 128: about 2% of
        // the operator's CPU under load. Tests run with it at its strictest; set the property to
        // re-enable it in a deployment.
        // (Netty still reads its older spelling, io.netty.leakDetectionLevel: a user's setting in either wins.)
        if (System.getProperty(LEAK_DETECTION) == null && System.getProperty("io.netty.leakDetectionLevel") == null) {
            System.setProperty(LEAK_DETECTION, "disabled");
        }
        System.exit(commandLine(System.getenv(), new NodeRunner(System.out), new NodeRunner(System.out)).execute(args));
    }

    /** The command line with every subcommand and converter registered; tests parse with it too. */
    public static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /** As {@link #commandLine()}, reading configuration from {@code environment}; {@code run} and {@code dev} print it. */
    public static CommandLine commandLine(Map<String, String> environment) {
        return configure(new CommandLine(new FluxDbCommand(environment)));
    }

    /** As {@link #commandLine(Map)}, with {@code run} and {@code dev} handing their configuration to these launchers. */
    public static CommandLine commandLine(Map<String, String> environment, NodeLauncher nodeLauncher, DevLauncher devLauncher) {
        return configure(new CommandLine(new FluxDbCommand(environment, nodeLauncher, devLauncher)));
    }

    private static CommandLine configure(CommandLine commandLine) {
        return commandLine.setExecutionExceptionHandler(new ConfigErrorHandler());
    }
}

package io.fluxdb.server.cli;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The top-level {@code fluxdb} command: prints usage when called without a subcommand, and
 * holds what its subcommands share: the environment and the launchers.
 */
@Command(
        name = "fluxdb",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersionProvider.class,
        description = "A shared, replicated MySQL: point any MySQL client at any node.",
        subcommands = {RunCommand.class, DevCommand.class, StatusCommand.class, ChecksumCommand.class, LeaveCommand.class,
            VersionCommand.class})
public final class FluxDbCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private final Map<String, String> environment;
    private final Optional<NodeLauncher> nodeLauncher;
    private final Optional<DevLauncher> devLauncher;

    /** Commands that print the effective configuration instead of starting anything. */
    public FluxDbCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(requireNonNull(environment, "environment is null"));
        this.nodeLauncher = Optional.empty();
        this.devLauncher = Optional.empty();
    }

    public FluxDbCommand(Map<String, String> environment, NodeLauncher nodeLauncher, DevLauncher devLauncher) {
        this.environment = Map.copyOf(requireNonNull(environment, "environment is null"));
        this.nodeLauncher = Optional.of(requireNonNull(nodeLauncher, "nodeLauncher is null"));
        this.devLauncher = Optional.of(requireNonNull(devLauncher, "devLauncher is null"));
    }

    Map<String, String> environment() {
        return environment;
    }

    Optional<NodeLauncher> nodeLauncher() {
        return nodeLauncher;
    }

    Optional<DevLauncher> devLauncher() {
        return devLauncher;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }
}

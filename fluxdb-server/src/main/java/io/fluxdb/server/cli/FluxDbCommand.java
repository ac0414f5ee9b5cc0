package io.fluxdb.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level {@code fluxdb} command: prints usage when called without a subcommand. */
@Command(
        name = "fluxdb",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersionProvider.class,
        description = "A shared, replicated MySQL: point any MySQL client at any node.",
        subcommands = {VersionCommand.class})
public final class FluxDbCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }
}

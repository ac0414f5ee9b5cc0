package io.fluxdb.server.cli;

import io.fluxdb.server.config.NodeConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code fluxdb run}: one node in front of one engine, configured by flags and environment. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersionProvider.class,
        sortOptions = false,
        description = {
            "Run one FluxDB node in front of its engine.",
            "Every option can also be set by the environment variable named in its description; flags win."
        })
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    FluxDbCommand parent;

    @Mixin
    NodeOptions options;

    @Override
    public Integer call() throws Exception {
        NodeConfig config = options.toNodeConfig(parent.environment());
        NodeLauncher launcher = parent.nodeLauncher().orElseGet(() -> new ConfigPrinter(spec.commandLine().getOut()));
        return launcher.run(config);
    }
}

package io.fluxdb.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code fluxdb version}: the same text as {@code fluxdb --version}. */
@Command(name = "version", description = "Print the FluxDB version and exit.")
final class VersionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        for (String line : new ManifestVersionProvider().getVersion()) {
            spec.commandLine().getOut().println(line);
        }
        return 0;
    }
}

package io.fluxdb.server.cli;

import picocli.CommandLine.IVersionProvider;

/** Reads {@code Implementation-Version} from the jar manifest (written by the build). */
public final class ManifestVersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = ManifestVersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {
            "FluxDB " + (version == null ? "(development build)" : version),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
        };
    }
}

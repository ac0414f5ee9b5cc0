package io.fluxdb.server.cli;

import io.fluxdb.server.config.DevConfig;

/** Starts a local development cluster, engines included: what {@code fluxdb dev} does once its options are parsed. */
@FunctionalInterface
public interface DevLauncher {
    /**
     * Runs every node of the cluster, normally until it is shut down.
     *
     * @return the process exit code
     */
    int run(DevConfig config) throws Exception;
}

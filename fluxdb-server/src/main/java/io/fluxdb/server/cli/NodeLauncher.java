package io.fluxdb.server.cli;

import io.fluxdb.server.config.NodeConfig;

/** Starts one node from a validated configuration: what {@code fluxdb run} does once its options are parsed. */
@FunctionalInterface
public interface NodeLauncher {
    /**
     * Runs the node, normally until it is shut down.
     *
     * @return the process exit code
     */
    int run(NodeConfig config) throws Exception;
}

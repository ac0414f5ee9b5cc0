package io.fluxdb.server.cli;

import io.fluxdb.server.config.ConfigValues;
import io.fluxdb.server.config.NodeConfig;
import io.fluxdb.server.node.MemberLeave;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fluxdb leave}: removes a member from its cluster for good, asked through the local node's internal API. Run
 * it where the node runs, with the node's configuration (it needs {@code CLUSTER_SECRET} and the ports). Exit code 0
 * when the member is removed, 1 when the cluster refused or did not answer in time, 2 when the configuration is wrong.
 */
@Command(
        name = "leave",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersionProvider.class,
        sortOptions = false,
        description = {
            "Remove a node from its cluster for good (this node unless --node-id names another), through this node's"
                + " internal API. Takes the same options and environment as 'run'.",
            "The cluster keeps at least 3 voters. A leader hands leadership over before it is removed. Stop the"
                + " removed node afterwards, and take it out of the other nodes' PEERS."
        })
final class LeaveCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    FluxDbCommand parent;

    @Mixin
    NodeOptions options;

    @Option(names = "--node-id", paramLabel = "ID", description = "The member to remove, as `fluxdb status` names it"
            + " (default: this node).")
    String nodeId;

    @Option(names = "--leave-timeout", paramLabel = "DURATION",
            description = "How long to wait for the removal (default: ${DEFAULT-VALUE}).")
    String leaveTimeout = "60s";

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Duration wait;
        try {
            wait = ConfigValues.parseDuration(leaveTimeout);
        } catch (IllegalArgumentException e) {
            err.println("fluxdb leave: --leave-timeout: " + e.getMessage());
            return 2;
        }
        NodeConfig config = options.toNodeConfig(parent.environment());
        if (config.cluster().secret().isEmpty()) {
            err.println("fluxdb leave: CLUSTER_SECRET is not set: the internal API admits only cluster members");
            return 2;
        }
        MemberLeave.Outcome outcome;
        try {
            outcome = MemberLeave.leave(config, Optional.ofNullable(nodeId), wait, line -> {
                out.println(line);
                out.flush();
            });
        } catch (IOException e) {
            err.println("fluxdb leave: " + e.getMessage());
            return 1;
        }
        if (!outcome.removed()) {
            err.println("fluxdb leave: not removed: " + outcome.message());
            return 1;
        }
        out.println("removed: " + outcome.message() + ". Stop that node now; a node that starts again with peers"
                + " that list it asks to join again.");
        return 0;
    }
}

package io.fluxdb.server.cli;

import io.fluxdb.api.ClusterStatusEntry;
import io.fluxdb.api.FlowControlStatus;
import io.fluxdb.api.StatusClient;
import io.fluxdb.api.StatusJson;
import io.fluxdb.api.StatusReport;
import io.fluxdb.server.config.ConfigValues;
import io.fluxdb.server.config.ListenConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code fluxdb status}: the cluster as one node sees it, read from that node's {@code GET /status}. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersionProvider.class,
        sortOptions = false,
        description = "Print the cluster as a node sees it (its GET /status on the UI port).")
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    FluxDbCommand parent;

    @Option(names = "--url", paramLabel = "URL",
            description = "The node's status URL (default: http://127.0.0.1:<UI_PORT, else 8008>/status).")
    String url;

    @Option(names = "--json", description = "Print the node's JSON answer as it is, indented.")
    boolean json;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "How long to wait for the node (default: ${DEFAULT-VALUE}).")
    String timeout = "5s";

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        URI target;
        Duration wait;
        try {
            target = statusUrl();
            wait = ConfigValues.parseDuration(timeout);
        } catch (IllegalArgumentException e) {
            err.println("fluxdb status: " + e.getMessage());
            return 2;
        }
        StatusReport report;
        try {
            report = new StatusClient(wait).fetch(target);
        } catch (IOException e) {
            err.println("fluxdb status: no status from " + target + ": " + (e.getMessage() == null ? e : e.getMessage()));
            return 1;
        }
        out.print(json ? StatusJson.writeIndented(report) + System.lineSeparator() : format(report));
        out.flush();
        return 0;
    }

    private URI statusUrl() {
        if (url != null) {
            URI uri = ConfigValues.parseHttpUrl(url);
            return uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/") ? uri.resolve("/status") : uri;
        }
        String port = parent.environment().getOrDefault("UI_PORT", Integer.toString(ListenConfig.DEFAULT_UI_PORT));
        return URI.create("http://127.0.0.1:" + ConfigValues.parseListenPort(port) + "/status");
    }

    /** A few lines for people: this node, then one line per node of the cluster. */
    static String format(StatusReport r) {
        StringBuilder s = new StringBuilder();
        s.append("node ").append(r.nodeId()).append(" (").append(r.ip()).append("): ").append(r.role())
                .append(", status ").append(r.status()).append(", term ").append(r.term())
                .append(", applied ").append(r.appliedIndex()).append(", lag ").append(r.lag()).append('\n');
        s.append("leader: ").append(r.leaderId() == null ? "none known" : r.leaderId() + " (" + r.masterIP() + ")").append('\n');
        s.append("engine: ").append(r.engine().status())
                .append(r.engine().detail().isEmpty() ? "" : " - " + r.engine().detail()).append('\n');
        if (r.divergence() != null) s.append("DIVERGED: ").append(r.divergence()).append('\n');
        if (r.failure() != null) s.append("FAILED: ").append(r.failure()).append('\n');
        if (r.flowControl() != null) {
            FlowControlStatus f = r.flowControl();
            s.append("flow control: ").append(f.holding() ? "writes wait for a follower now" : "writes go ahead")
                    .append(" (limit ").append(f.maxLag()).append(" entries behind); ").append(f.writesHeld())
                    .append(" writes waited, ").append(f.heldMillis()).append(" ms in total\n");
            for (FlowControlStatus.Follower follower : f.followers()) {
                s.append("  ").append(follower.nodeId()).append(": ").append(follower.lag()).append(" behind")
                        .append(follower.waitedFor() ? "" : ", not waited for").append('\n');
            }
        }
        s.append(String.format("%-40s %-7s %10s  %s%n", "NODE", "ACTIVE", "APPLIED", "LEADER IT KNOWS"));
        for (ClusterStatusEntry e : r.clusterStatus()) {
            s.append(String.format("%-40s %-7s %10d  %s%n", e.ip(), e.active() ? "yes" : "no", e.seqNo(),
                    e.masterIP() == null ? "-" : e.masterIP()));
        }
        return s.toString();
    }
}

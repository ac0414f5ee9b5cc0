package io.fluxdb.server.node;

import static java.util.Objects.requireNonNull;

import io.fluxdb.discovery.DiscoveryException;
import io.fluxdb.discovery.DiscoveryService;
import io.fluxdb.discovery.Peer;
import io.fluxdb.discovery.fluxos.FluxOsClient;
import io.fluxdb.discovery.fluxos.FluxOsPeerSource;
import io.fluxdb.discovery.fluxos.RetryPolicy;
import io.fluxdb.server.config.ClusterConfig;
import io.fluxdb.server.config.HostPort;
import io.fluxdb.server.config.NodeConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The initial Raft group of a cluster on Flux ({@code DB_APPNAME}): the app's instances as FluxOS lists them, once as
 * many are listed as the cluster is to have ({@code BOOTSTRAP_EXPECT}, else the app specification's
 * {@code instances}). Every node takes the same group from the same list: the expected number of instances with the
 * lowest addresses. The group is written to the data directory, so a restarted node uses the group it started with
 * whatever FluxOS lists then.
 *
 * <p>A node must know which instance it is: its {@code BIND_ADDRESS}, or an instance address that is one of this
 * machine's. Joining a running cluster, and removing instances that went away, are not built yet.
 */
final class FluxOsBootstrap {
    private static final Logger log = LoggerFactory.getLogger(FluxOsBootstrap.class);
    static final String GROUP_FILE = "initial-group";
    /** The original gave FluxOS 13.5 s. */
    static final Duration API_TIMEOUT = Duration.ofSeconds(15);
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(30);

    private FluxOsBootstrap() {}

    /**
     * The configuration with {@code PEERS} filled from FluxOS: the group stored at an earlier start, or one decided
     * now, waiting (logging progress) until enough instances are listed.
     *
     * @param pollInterval how often FluxOS is asked while waiting
     */
    static NodeConfig resolve(NodeConfig config, Duration pollInterval) throws InterruptedException, IOException {
        ClusterConfig cluster = config.cluster();
        String app = cluster.appName().orElseThrow();
        Path stored = config.dataDir().resolve(GROUP_FILE);
        boolean decided = Files.exists(stored);
        List<HostPort> group = decided ? read(stored) : decide(config, app, pollInterval);
        NodeConfig resolved = new NodeConfig(config.engine(), config.listen(), new ClusterConfig(cluster.appName(), group,
                cluster.secret(), cluster.fluxosApi(), cluster.consistency(), cluster.bootstrapExpect()),
                config.access(), config.proxy(), config.dataDir(), config.logLevel());
        ClusterMembers members = ClusterMembers.of(resolved);
        if (members.members().size() != group.size()) {
            throw new IllegalStateException(app + ": this node (" + members.localNodeId() + ") is not in the initial"
                    + " group " + group + ", the first " + group.size() + " instances FluxOS lists; joining a running"
                    + " cluster is not yet built");
        }
        if (decided) {
            log.info("{} - using the group decided at first start: {}", app, group);
        } else {
            Files.createDirectories(config.dataDir());
            Files.writeString(stored, String.join("\n", group.stream().map(HostPort::toString).toList()) + "\n",
                    StandardCharsets.UTF_8);
        }
        return resolved;
    }

    private static List<HostPort> decide(NodeConfig config, String app, Duration pollInterval) throws InterruptedException {
        FluxOsPeerSource source = peerSource(config);
        int expected = expected(config, source, app, pollInterval);
        DiscoveryService discovery = new DiscoveryService(source, pollInterval);
        long nextProgress = 0;
        while (true) {
            Optional<List<Peer>> peers = discovery.poll();
            List<Peer> listed = peers.orElse(List.of());
            if (listed.size() >= expected) {
                List<HostPort> group = listed.stream()
                        .sorted(Comparator.comparing(Peer::host, FluxOsBootstrap::compareAddresses))
                        .limit(expected)
                        .map(p -> new HostPort(p.host(), p.port()))
                        .toList();
                log.info("{} - {} of {} instances listed: the initial group is {}", app, listed.size(), expected, group);
                return group;
            }
            if (System.nanoTime() >= nextProgress) {
                log.info("{} - waiting until {} instances are listed before forming the cluster; listed now: {}", app,
                        expected, listed.stream().map(Peer::host).toList());
                nextProgress = System.nanoTime() + PROGRESS_INTERVAL.toNanos();
            }
            Thread.sleep(pollInterval);
        }
    }

    /** The app's instances as FluxOS lists them, each on this node's internal API port (as peers reach it). */
    static FluxOsPeerSource peerSource(NodeConfig config) {
        int apiPort = config.listen().apiAdvertisedPort() != 0 ? config.listen().apiAdvertisedPort()
                : config.listen().apiListenPort();
        FluxOsClient client = FluxOsClient.create(config.cluster().fluxosApi().toString(), API_TIMEOUT, RetryPolicy.DEFAULT);
        return new FluxOsPeerSource(client, config.cluster().appName().orElseThrow(), apiPort);
    }

    /** BOOTSTRAP_EXPECT, else the app specification's instances (asked until FluxOS answers). */
    private static int expected(NodeConfig config, FluxOsPeerSource source, String app, Duration pollInterval)
            throws InterruptedException {
        if (config.cluster().bootstrapExpect().isPresent()) {
            return config.cluster().bootstrapExpect().getAsInt();
        }
        boolean said = false;
        while (true) {
            try {
                int instances = source.expectedInstances();
                log.info("{} - the app specification asks for {} instances", app, instances);
                return instances;
            } catch (DiscoveryException e) {
                if (!said) {
                    log.warn("{} - cannot read the app specification yet: {} (asking again every {}; logged once)",
                            app, e.getMessage(), pollInterval);
                    said = true;
                }
                Thread.sleep(pollInterval);
            }
        }
    }

    /** IPv4 addresses by their numbers (10.0.0.9 before 10.0.0.10), anything else by its text after them. */
    static int compareAddresses(String a, String b) {
        long x = ipv4(a);
        long y = ipv4(b);
        if (x >= 0 && y >= 0) return Long.compare(x, y);
        if (x >= 0 || y >= 0) return x >= 0 ? -1 : 1;
        return a.compareTo(b);
    }

    private static long ipv4(String text) {
        String[] parts = text.split("\\.");
        if (parts.length != 4) return -1;
        long value = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) return -1;
            int octet = Integer.parseInt(part);
            if (octet > 255) return -1;
            value = value * 256 + octet;
        }
        return value;
    }

    private static List<HostPort> read(Path stored) throws IOException {
        List<HostPort> group = new ArrayList<>();
        for (String line : Files.readAllLines(stored, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                try {
                    group.add(HostPort.parse(line, 1));
                } catch (IllegalArgumentException e) {
                    throw new IOException(stored + ": '" + line + "' is not host:port (" + e.getMessage() + ")", e);
                }
            }
        }
        if (group.isEmpty()) throw new IOException(stored + " lists no node; delete it to decide the group again");
        return List.copyOf(requireNonNull(group));
    }
}

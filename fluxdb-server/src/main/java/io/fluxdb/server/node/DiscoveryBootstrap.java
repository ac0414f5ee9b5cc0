package io.fluxdb.server.node;

import static java.util.Objects.requireNonNull;

import io.fluxdb.api.internal.InternalApiClient;
import io.fluxdb.api.internal.NodeInfo;
import io.fluxdb.discovery.DiscoveryException;
import io.fluxdb.discovery.DiscoveryService;
import io.fluxdb.discovery.Peer;
import io.fluxdb.discovery.PeerSource;
import io.fluxdb.discovery.dns.DnsPeerSource;
import io.fluxdb.discovery.fluxos.FluxOsClient;
import io.fluxdb.discovery.fluxos.FluxOsPeerSource;
import io.fluxdb.discovery.fluxos.RetryPolicy;
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
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node whose peers come from discovery enters its cluster: the instances of a Flux app as FluxOS lists them
 * ({@code DB_APPNAME}), or the A records of a DNS name ({@code PEERS_DNS}). A new cluster's initial Raft group is the
 * listed nodes, once as many are listed as the cluster is to have ({@code BOOTSTRAP_EXPECT}, else the app
 * specification's {@code instances}): every node takes the same group from the same list, the expected number of
 * nodes with the lowest addresses. Before deciding, and while it waits, a node asks the listed nodes' internal API
 * whether a cluster runs already; if one does, the node joins it instead (a node that appears later, or that was not
 * among the first ones), so there are never two clusters. The group is written to the data directory, so a restarted
 * node uses the group it started with whatever discovery lists then; a node whose address is not in its stored group
 * (it joined later, or it came back with a new address) joins again, with its stored state.
 */
final class DiscoveryBootstrap {
    private static final Logger log = LoggerFactory.getLogger(DiscoveryBootstrap.class);
    static final String GROUP_FILE = "initial-group";
    /** The original gave FluxOS 13.5 s. */
    static final Duration API_TIMEOUT = Duration.ofSeconds(15);
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(30);

    private DiscoveryBootstrap() {}

    /**
     * How this node enters its cluster: the group stored at an earlier start, a running cluster to join, or a group
     * decided now, waiting (logging progress) until enough nodes are listed.
     *
     * @param self the address peers reach this node at
     * @param pollInterval how often discovery is asked while waiting
     */
    static ClusterEntry resolve(NodeConfig config, String self, InternalApiClient client, Duration pollInterval)
            throws InterruptedException, IOException {
        String app = label(config);
        Path stored = config.dataDir().resolve(GROUP_FILE);
        HostPort me = new HostPort(self, ClusterMembers.apiPort(config.listen()));
        if (Files.exists(stored)) {
            List<HostPort> group = read(stored);
            if (group.contains(me)) {
                log.info("{} - using the group decided at first start: {}", app, group);
                return new ClusterEntry(config.withCluster(config.cluster().withPeers(group)), false);
            }
            log.info("{} - this node ({}) is not in its stored group {}: it joined later or its address changed; it"
                    + " joins the cluster again with its stored state", app, self, group);
            return ClusterEntry.running(client, group, me).map(r -> ClusterEntry.joining(config, r))
                    .orElseGet(() -> new ClusterEntry(config.withCluster(config.cluster().withPeers(group)), true));
        }
        ClusterEntry entry = decide(config, app, me, client, pollInterval);
        Files.createDirectories(config.dataDir());
        Files.writeString(stored, String.join("\n", entry.config().cluster().peers().stream()
                .map(HostPort::toString).toList()) + "\n", StandardCharsets.UTF_8);
        return entry;
    }

    /** The group stored at an earlier start, or none. */
    static List<HostPort> stored(NodeConfig config) {
        Path stored = config.dataDir().resolve(GROUP_FILE);
        try {
            return Files.exists(stored) ? read(stored) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static ClusterEntry decide(NodeConfig config, String app, HostPort me, InternalApiClient client,
            Duration pollInterval) throws InterruptedException {
        PeerSource source = peerSource(config).orElseThrow();
        int expected = expected(config, source, app, pollInterval);
        DiscoveryService discovery = new DiscoveryService(source, pollInterval);
        long nextProgress = 0;
        boolean saidOutside = false;
        while (true) {
            List<HostPort> listed = discovery.poll().orElse(List.of()).stream()
                    .sorted(Comparator.comparing(Peer::host, DiscoveryBootstrap::compareAddresses))
                    .map(p -> new HostPort(p.host(), p.port()))
                    .toList();
            Optional<NodeInfo> running = ClusterEntry.running(client, listed, me);
            if (running.isPresent()) {
                if (ClusterEntry.isMember(running.get(), me.host(), config)) {
                    ClusterEntry entry = ClusterEntry.joining(config, running.get());
                    log.info("{} - {} runs the cluster, which lists this node: group {}", app,
                            running.get().nodeId(), entry.config().cluster().peers());
                    return new ClusterEntry(entry.config(), false);
                }
                log.info("{} - {} runs the cluster already: this node joins it", app, running.get().nodeId());
                return ClusterEntry.joining(config, running.get());
            }
            if (listed.size() >= expected) {
                List<HostPort> group = listed.subList(0, expected);
                if (group.contains(me)) {
                    log.info("{} - {} of {} nodes listed: the initial group is {}", app, listed.size(), expected,
                            group);
                    return new ClusterEntry(config.withCluster(config.cluster().withPeers(group)), false);
                }
                if (!saidOutside) {
                    log.info("{} - this node ({}) is not among the first {} nodes listed {}: it waits for them to"
                            + " form the cluster, then joins it", app, me.host(), expected, group);
                    saidOutside = true;
                }
            }
            if (System.nanoTime() >= nextProgress) {
                log.info("{} - waiting until {} nodes are listed before forming the cluster; listed now: {}", app,
                        expected, listed.stream().map(HostPort::host).toList());
                nextProgress = System.nanoTime() + PROGRESS_INTERVAL.toNanos();
            }
            Thread.sleep(pollInterval);
        }
    }

    /** Whether this node finds its peers through discovery rather than a {@code PEERS} list. */
    static boolean discovers(NodeConfig config) {
        return config.cluster().isDiscovered() && config.cluster().peers().isEmpty();
    }

    /**
     * Where the cluster's nodes are listed: the A records of {@code PEERS_DNS} on its port, or the instances of the
     * Flux app as FluxOS lists them, each on this node's internal API port (as peers reach it); none with neither.
     */
    static Optional<PeerSource> peerSource(NodeConfig config) {
        if (config.cluster().peersDns().isPresent()) {
            HostPort name = config.cluster().peersDns().get();
            return Optional.of(new DnsPeerSource(name.host(), name.port()));
        }
        if (config.cluster().appName().isPresent()) {
            int apiPort = ClusterMembers.apiPort(config.listen());
            FluxOsClient client = FluxOsClient.create(config.cluster().fluxosApi().toString(), API_TIMEOUT,
                    RetryPolicy.DEFAULT);
            return Optional.of(new FluxOsPeerSource(client, config.cluster().appName().get(), apiPort));
        }
        return Optional.empty();
    }

    /** What logs name the cluster by: its Flux app, or its DNS name. */
    static String label(NodeConfig config) {
        return config.cluster().peersDns().map(HostPort::host).or(() -> config.cluster().appName()).orElse("peers");
    }

    /** BOOTSTRAP_EXPECT, else what the source says (a Flux app's specification: asked until FluxOS answers). */
    private static int expected(NodeConfig config, PeerSource source, String app, Duration pollInterval)
            throws InterruptedException {
        if (config.cluster().bootstrapExpect().isPresent()) {
            return config.cluster().bootstrapExpect().getAsInt();
        }
        boolean said = false;
        while (true) {
            try {
                OptionalInt size = source.expectedSize();
                if (size.isEmpty()) {
                    // configuration refuses PEERS_DNS without BOOTSTRAP_EXPECT; this guards any other way in
                    throw new IllegalStateException(source.describe() + " tells no cluster size: set BOOTSTRAP_EXPECT");
                }
                log.info("{} - the app specification asks for {} instances", app, size.getAsInt());
                return size.getAsInt();
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

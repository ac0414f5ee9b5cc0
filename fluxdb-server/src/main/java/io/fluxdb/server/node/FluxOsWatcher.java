package io.fluxdb.server.node;

import static java.util.Objects.requireNonNull;

import io.fluxdb.discovery.DiscoveryService;
import io.fluxdb.discovery.Peer;
import io.fluxdb.server.config.HostPort;
import io.fluxdb.server.config.NodeConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps asking FluxOS for the app's instances while a node on Flux runs: their static-IP flag and uptime go into
 * {@code /status}, and an instance FluxOS lists outside the cluster's group, or a member it no longer lists, is
 * logged once per change (adding and removing members is not built yet).
 */
final class FluxOsWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FluxOsWatcher.class);
    /** Asked this rarely once the cluster runs: only status details and log lines depend on it. */
    static final Duration INTERVAL = Duration.ofMinutes(1);

    private final DiscoveryService discovery;
    private final Set<String> group;
    /** As {@link #compare} writes it; no difference until FluxOS says otherwise. */
    private String lastDifference = "[] []";

    private FluxOsWatcher(DiscoveryService discovery, List<HostPort> group) {
        this.discovery = discovery;
        this.group = group.stream().map(HostPort::host).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Starts watching the app of {@code config}, whose {@code PEERS} hold the cluster's group. */
    static FluxOsWatcher start(NodeConfig config) {
        requireNonNull(config, "config is null");
        FluxOsWatcher watcher = new FluxOsWatcher(
                new DiscoveryService(FluxOsBootstrap.peerSource(config), INTERVAL), config.cluster().peers());
        watcher.discovery.start(watcher::compare);
        return watcher;
    }

    /** What FluxOS last said about each instance, by address; empty before its first good answer. */
    Map<String, Peer> facts() {
        return discovery.peers().map(peers -> peers.stream()
                .collect(Collectors.toMap(Peer::host, Function.identity(), (a, b) -> a))).orElse(Map.of());
    }

    private synchronized void compare(List<Peer> listed) {
        Set<String> hosts = listed.stream().map(Peer::host).collect(Collectors.toCollection(TreeSet::new));
        Set<String> outside = new TreeSet<>(hosts);
        outside.removeAll(group);
        Set<String> gone = new TreeSet<>(group);
        gone.removeAll(hosts);
        String difference = outside + " " + gone;
        if (difference.equals(lastDifference)) return;
        lastDifference = difference;
        if (!outside.isEmpty()) {
            log.warn("FluxOS lists instances outside this cluster: {} (joining a running cluster is not yet built)", outside);
        }
        if (!gone.isEmpty()) {
            log.warn("FluxOS no longer lists cluster members {} (removing members is not yet built)", gone);
        }
        if (outside.isEmpty() && gone.isEmpty()) {
            log.info("FluxOS lists exactly this cluster's members again: {}", group);
        }
    }

    @Override
    public void close() {
        discovery.close();
    }
}

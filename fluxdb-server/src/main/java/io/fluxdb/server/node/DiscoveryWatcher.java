package io.fluxdb.server.node;

import static java.util.Objects.requireNonNull;

import io.fluxdb.discovery.DiscoveryService;
import io.fluxdb.discovery.Peer;
import io.fluxdb.server.config.NodeConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps asking discovery for the cluster's nodes while a node runs (the Flux app's instances, or the A records of
 * {@code PEERS_DNS}): what FluxOS says of each instance (static-IP flag, uptime) goes into {@code /status}, and the
 * leader adds only nodes discovery lists and removes members it stops listing ({@link Membership}). A change in the
 * list is logged once.
 */
final class DiscoveryWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DiscoveryWatcher.class);
    /** Asked at most this rarely once the cluster runs. */
    static final Duration MAX_INTERVAL = Duration.ofMinutes(1);

    private final DiscoveryService discovery;
    private Set<String> lastListed = Set.of();

    private DiscoveryWatcher(DiscoveryService discovery) {
        this.discovery = discovery;
    }

    /**
     * Starts watching the discovery source of {@code config} ({@link DiscoveryBootstrap#peerSource}), often enough
     * that a member gone for {@code MEMBER_REMOVE_AFTER} is seen gone several times before it is removed.
     */
    static DiscoveryWatcher start(NodeConfig config) {
        requireNonNull(config, "config is null");
        DiscoveryWatcher watcher = new DiscoveryWatcher(new DiscoveryService(
                DiscoveryBootstrap.peerSource(config).orElseThrow(() -> new IllegalArgumentException(
                        "neither DB_APPNAME nor PEERS_DNS: nothing to watch")),
                interval(config)));
        watcher.discovery.start(watcher::listed);
        return watcher;
    }

    /** How often a running node asks discovery: a quarter of {@code MEMBER_REMOVE_AFTER}, at most a minute. */
    static Duration interval(NodeConfig config) {
        Duration quarter = config.cluster().memberRemoveAfter().dividedBy(4);
        Duration interval = quarter.compareTo(MAX_INTERVAL) < 0 ? quarter : MAX_INTERVAL;
        return interval.isZero() ? Duration.ofMillis(1) : interval;
    }

    /** What discovery last said about each node, by address; empty before its first good answer. */
    Map<String, Peer> facts() {
        return discovery.peers().map(peers -> peers.stream()
                .collect(Collectors.toMap(Peer::host, Function.identity(), (a, b) -> a))).orElse(Map.of());
    }

    /** The addresses discovery lists now; empty before its first good answer. */
    Optional<Set<String>> hosts() {
        return discovery.peers().map(peers -> peers.stream().map(Peer::host)
                .collect(Collectors.toCollection(TreeSet::new)));
    }

    private synchronized void listed(List<Peer> peers) {
        Set<String> hosts = peers.stream().map(Peer::host).collect(Collectors.toCollection(TreeSet::new));
        if (!hosts.equals(lastListed)) {
            log.info("{} lists the cluster's nodes: {}", discovery.source().describe(), hosts);
            lastListed = hosts;
        }
    }

    @Override
    public void close() {
        discovery.close();
    }
}

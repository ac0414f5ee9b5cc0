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
 * Keeps asking FluxOS for the app's instances while a node on Flux runs: their static-IP flag and uptime go into
 * {@code /status}, and the leader removes members FluxOS stops listing ({@link Membership}). A change in the list is
 * logged once.
 */
final class FluxOsWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FluxOsWatcher.class);
    /** Asked at most this rarely once the cluster runs. */
    static final Duration MAX_INTERVAL = Duration.ofMinutes(1);

    private final DiscoveryService discovery;
    private Set<String> lastListed = Set.of();

    private FluxOsWatcher(DiscoveryService discovery) {
        this.discovery = discovery;
    }

    /**
     * Starts watching the app of {@code config}, often enough that a member gone for {@code MEMBER_REMOVE_AFTER} is
     * seen gone several times before it is removed.
     */
    static FluxOsWatcher start(NodeConfig config) {
        requireNonNull(config, "config is null");
        Duration quarter = config.cluster().memberRemoveAfter().dividedBy(4);
        Duration interval = quarter.compareTo(MAX_INTERVAL) < 0 ? quarter : MAX_INTERVAL;
        FluxOsWatcher watcher = new FluxOsWatcher(
                new DiscoveryService(FluxOsBootstrap.peerSource(config), interval.isZero() ? Duration.ofMillis(1) : interval));
        watcher.discovery.start(watcher::listed);
        return watcher;
    }

    /** What FluxOS last said about each instance, by address; empty before its first good answer. */
    Map<String, Peer> facts() {
        return discovery.peers().map(peers -> peers.stream()
                .collect(Collectors.toMap(Peer::host, Function.identity(), (a, b) -> a))).orElse(Map.of());
    }

    /** The addresses FluxOS lists now; empty before its first good answer. */
    Optional<Set<String>> hosts() {
        return discovery.peers().map(peers -> peers.stream().map(Peer::host)
                .collect(Collectors.toCollection(TreeSet::new)));
    }

    private synchronized void listed(List<Peer> peers) {
        Set<String> hosts = peers.stream().map(Peer::host).collect(Collectors.toCollection(TreeSet::new));
        if (!hosts.equals(lastListed)) {
            log.info("FluxOS lists the app's instances: {}", hosts);
            lastListed = hosts;
        }
    }

    @Override
    public void close() {
        discovery.close();
    }
}

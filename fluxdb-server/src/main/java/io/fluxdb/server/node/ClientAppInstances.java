package io.fluxdb.server.node;

import static java.util.Objects.requireNonNull;

import io.fluxdb.discovery.DiscoveryService;
import io.fluxdb.discovery.Peer;
import io.fluxdb.discovery.fluxos.FluxOsClient;
import io.fluxdb.discovery.fluxos.RetryPolicy;
import io.fluxdb.server.config.IpAddresses;
import io.fluxdb.server.config.NodeConfig;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The addresses of {@code CLIENT_APPNAME}'s running instances, which may connect to this node. A background poll of
 * FluxOS replaces the set on every good answer and keeps the last good one while FluxOS fails or answers garbage
 * ({@link DiscoveryService}); admission, on the front end's event loop, only reads the set, which is volatile and
 * never blocks.
 */
final class ClientAppInstances implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClientAppInstances.class);

    private final String app;
    private volatile Optional<Set<InetAddress>> admitted = Optional.empty();
    private DiscoveryService discovery;

    ClientAppInstances(String app) {
        this.app = requireNonNull(app, "app is null");
    }

    /**
     * Starts polling FluxOS ({@code FLUXOS_API}) for {@code CLIENT_APPNAME}'s instances every {@code interval}, the
     * first time now (in the background: a node starts whether FluxOS answers or not).
     */
    static ClientAppInstances watch(NodeConfig config, Duration interval) {
        String app = config.access().clientAppName().orElseThrow(() -> new IllegalArgumentException(
                "no CLIENT_APPNAME: nothing to watch"));
        FluxOsClient client = FluxOsClient.create(config.cluster().fluxosApi().toString(),
                DiscoveryBootstrap.API_TIMEOUT, RetryPolicy.DEFAULT);
        ClientAppInstances instances = new ClientAppInstances(app);
        instances.discovery = new DiscoveryService(
                new ClientAppSource(client, app, config.listen().clientPort()), interval);
        instances.discovery.start(instances::listed);
        return instances;
    }

    /** The app whose instances are admitted. */
    String app() {
        return app;
    }

    /** The instances' addresses as of FluxOS's last good answer; empty before its first one. */
    Optional<Set<InetAddress>> admitted() {
        return admitted;
    }

    /** Takes a good answer from discovery: its hosts become the admitted set, logged when it changes. */
    synchronized void listed(List<Peer> instances) {
        Set<InetAddress> addresses = instances.stream()
                .map(p -> IpAddresses.parse(p.host()).orElseThrow(() -> new IllegalArgumentException(
                        "instance address '" + p.host() + "' is not an IP address")))
                .collect(Collectors.toUnmodifiableSet());
        Optional<Set<InetAddress>> before = admitted;
        if (before.isEmpty() || !before.get().equals(addresses)) {
            log.info("CLIENT_APPNAME {} - clients admitted from {} instance{}: {}", app, addresses.size(),
                    addresses.size() == 1 ? "" : "s", addresses.stream().map(InetAddress::getHostAddress)
                            .sorted(Comparator.naturalOrder()).toList());
        }
        admitted = Optional.of(addresses);
    }

    @Override
    public void close() {
        if (discovery != null) {
            discovery.close();
        }
    }
}

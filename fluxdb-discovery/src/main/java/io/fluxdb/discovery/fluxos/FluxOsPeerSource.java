package io.fluxdb.discovery.fluxos;

import static java.util.Objects.requireNonNull;

import io.fluxdb.discovery.DiscoveryException;
import io.fluxdb.discovery.Peer;
import io.fluxdb.discovery.PeerSource;
import io.fluxdb.discovery.json.AppLocation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The running instances of a Flux app ({@code DB_APPNAME}), each a node whose internal API is on the same port, as
 * every instance of a Flux app uses the same ports. An empty list is refused as an answer: this node is an instance
 * of the app, so FluxOS listing none is a glitch, not a cluster that vanished.
 */
public final class FluxOsPeerSource implements PeerSource {
    private final FluxOsClient client;
    private final String app;
    private final int apiPort;

    public FluxOsPeerSource(FluxOsClient client, String app, int apiPort) {
        this.client = requireNonNull(client, "client is null");
        this.app = requireNonNull(app, "app is null");
        if (apiPort < 1 || apiPort > 65535) throw new IllegalArgumentException("apiPort: " + apiPort + " (expected: 1-65535)");
        this.apiPort = apiPort;
    }

    @Override
    public List<Peer> lookup() throws DiscoveryException {
        List<AppLocation> locations = client.locations(app);
        if (locations.isEmpty()) {
            throw new DiscoveryException("FluxOS lists no running instance of app " + app);
        }
        List<Peer> peers = new ArrayList<>();
        for (AppLocation location : locations) {
            String host = location.host();
            if (peers.stream().noneMatch(p -> p.host().equals(host))) {
                peers.add(new Peer(host, apiPort, Optional.ofNullable(location.staticIp()),
                        location.osUptime() == null ? OptionalLong.empty() : OptionalLong.of(location.osUptime().longValue())));
            }
        }
        peers.sort(Comparator.comparing(Peer::host));
        return List.copyOf(peers);
    }

    /** How many instances the app specification asks Flux to run. */
    public int expectedInstances() throws DiscoveryException {
        return client.specification(app).instances();
    }

    /** The app specification's {@code instances}. */
    @Override
    public OptionalInt expectedSize() throws DiscoveryException {
        return OptionalInt.of(expectedInstances());
    }

    @Override
    public String describe() {
        return "fluxos app=" + app;
    }
}

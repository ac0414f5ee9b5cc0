package io.fluxdb.server.node;

import static java.util.Objects.requireNonNull;

import io.fluxdb.discovery.DiscoveryException;
import io.fluxdb.discovery.Peer;
import io.fluxdb.discovery.PeerSource;
import io.fluxdb.discovery.fluxos.FluxOsClient;
import io.fluxdb.discovery.json.AppLocation;
import io.fluxdb.server.config.IpAddresses;
import java.util.List;
import java.util.TreeSet;

/**
 * The running instances of the Flux app whose clients may connect ({@code CLIENT_APPNAME}), as FluxOS lists them.
 * Unlike the cluster's own app, an empty list is an answer: the client app may really have no instance running, and
 * keeping its last instances admitted would admit Flux nodes that no longer host it. An entry whose address is not
 * an IP literal makes the whole answer garbage, so the last good one is kept. Each peer carries this node's client
 * port, the port those instances connect to.
 */
final class ClientAppSource implements PeerSource {
    private final FluxOsClient client;
    private final String app;
    private final int clientPort;

    ClientAppSource(FluxOsClient client, String app, int clientPort) {
        this.client = requireNonNull(client, "client is null");
        this.app = requireNonNull(app, "app is null");
        this.clientPort = clientPort;
    }

    @Override
    public List<Peer> lookup() throws DiscoveryException {
        TreeSet<String> hosts = new TreeSet<>();
        for (AppLocation location : client.locations(app)) {
            String host = location.host();
            if (IpAddresses.parse(host).isEmpty()) {
                throw new DiscoveryException("FluxOS lists an instance of app " + app + " at '" + location.ip()
                        + "', which is not an IP address");
            }
            hosts.add(host);
        }
        return hosts.stream().map(host -> Peer.of(host, clientPort)).toList();
    }

    @Override
    public String describe() {
        return "fluxos client app=" + app;
    }
}

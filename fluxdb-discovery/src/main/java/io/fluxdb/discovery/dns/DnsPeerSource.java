package io.fluxdb.discovery.dns;

import static java.util.Objects.requireNonNull;

import io.fluxdb.discovery.DiscoveryException;
import io.fluxdb.discovery.Peer;
import io.fluxdb.discovery.PeerSource;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * The nodes behind one DNS name: every A record of it is a node, all on the same internal API port (a headless
 * Kubernetes service, a round-robin name). The JVM's resolver answers, so its cache settings apply
 * ({@code networkaddress.cache.ttl}, 30 s by default).
 */
public final class DnsPeerSource implements PeerSource {
    private final String name;
    private final int port;

    public DnsPeerSource(String name, int port) {
        this.name = requireNonNull(name, "name is null");
        if (name.isBlank()) throw new IllegalArgumentException("name: '" + name + "' (expected: a DNS name)");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        this.port = port;
    }

    @Override
    public List<Peer> lookup() throws DiscoveryException {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(name);
        } catch (UnknownHostException e) {
            throw new DiscoveryException("DNS name " + name + " does not resolve: " + e.getMessage(), e);
        }
        List<Peer> peers = Arrays.stream(addresses)
                .filter(Inet4Address.class::isInstance)
                .map(InetAddress::getHostAddress)
                .distinct()
                .sorted()
                .map(ip -> Peer.of(ip, port))
                .toList();
        if (peers.isEmpty()) {
            throw new DiscoveryException("DNS name " + name + " has no A record (only " + Arrays.toString(addresses) + ")");
        }
        return peers;
    }

    @Override
    public String describe() {
        return "dns name=" + name + " port=" + port;
    }
}

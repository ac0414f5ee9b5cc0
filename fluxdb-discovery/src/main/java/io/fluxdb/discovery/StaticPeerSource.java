package io.fluxdb.discovery;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** The nodes listed in {@code PEERS}: a cluster outside Flux whose members are known in advance. */
public final class StaticPeerSource implements PeerSource {
    private final List<Peer> peers;

    public StaticPeerSource(List<Peer> peers) {
        this.peers = List.copyOf(requireNonNull(peers, "peers is null"));
    }

    @Override
    public List<Peer> lookup() {
        return peers;
    }

    @Override
    public String describe() {
        return "static peers=" + peers.stream().map(Peer::hostPort).toList();
    }
}

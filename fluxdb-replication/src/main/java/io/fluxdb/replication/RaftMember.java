package io.fluxdb.replication;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;

/**
 * One node of the cluster's Raft group.
 *
 * @param id the node id (for example {@code <host>_<raftPort>}), the same on every node's member list
 * @param raftAddress where the node's Raft port is reached
 * @param clientAddress where the node serves database clients; followers name it as the leader's address
 */
public record RaftMember(String id, InetSocketAddress raftAddress, InetSocketAddress clientAddress) {

    public RaftMember {
        requireNonNull(id, "id is null");
        requireNonNull(raftAddress, "raftAddress is null");
        requireNonNull(clientAddress, "clientAddress is null");
        if (id.isEmpty() || !id.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            throw new IllegalArgumentException("id: '" + id + "' (expected: printable ASCII without spaces)");
        }
        if (raftAddress.getPort() == 0) {
            throw new IllegalArgumentException("raftAddress: " + raftAddress + " (expected: a port > 0)");
        }
    }

    /** The Raft address as Ratis takes it: {@code host:port}, with brackets around an IPv6 literal. */
    String raftHostPort() {
        String host = raftAddress.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + raftAddress.getPort();
    }
}

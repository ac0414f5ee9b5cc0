package io.fluxdb.server.node;

import static java.util.Objects.requireNonNull;

import io.fluxdb.replication.RaftMember;
import io.fluxdb.server.config.HostPort;
import io.fluxdb.server.config.ListenConfig;
import io.fluxdb.server.config.NodeConfig;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The Raft group of a cluster whose nodes are listed in {@code PEERS}: this node and every peer, the same list on
 * every node. {@code PEERS} names each peer's internal API address; until the internal API can tell a node the rest
 * (not yet built), a node assumes that its peers use the same port layout as itself: a peer's Raft port lies as far
 * from its API port as this node's does, and so does its client port. That holds on Flux (every instance uses the
 * same ports) and for {@code fluxdb dev}.
 *
 * @param localNodeId this node's id, {@code <host>_<raftPort>}
 * @param members every node, this one included, sorted by id
 */
record ClusterMembers(String localNodeId, List<RaftMember> members) {

    ClusterMembers {
        requireNonNull(localNodeId, "localNodeId is null");
        members = List.copyOf(members);
    }

    static ClusterMembers of(NodeConfig config) {
        ListenConfig listen = config.listen();
        int apiPort = listen.apiAdvertisedPort() != 0 ? listen.apiAdvertisedPort() : listen.apiListenPort();
        int raftOffset = listen.raftPort() - apiPort;
        int clientOffset = listen.clientPort() - apiPort;
        String self = localHost(config, apiPort);
        List<RaftMember> members = new ArrayList<>();
        members.add(member(self, apiPort, raftOffset, clientOffset));
        for (HostPort peer : config.cluster().peers()) {
            RaftMember member = member(peer.host(), peer.port(), raftOffset, clientOffset);
            if (members.stream().noneMatch(m -> m.id().equals(member.id()))) {
                members.add(member);
            }
        }
        members.sort(Comparator.comparing(RaftMember::id));
        return new ClusterMembers(nodeId(self, listen.raftPort()), members);
    }

    private static RaftMember member(String host, int apiPort, int raftOffset, int clientOffset) {
        int raftPort = apiPort + raftOffset;
        int clientPort = apiPort + clientOffset;
        if (raftPort < 1 || raftPort > 65535 || clientPort < 1 || clientPort > 65535) {
            throw new IllegalArgumentException("peer " + host + ":" + apiPort + ": its Raft or client port would be"
                    + " out of range with this node's port layout");
        }
        return new RaftMember(nodeId(host, raftPort), InetSocketAddress.createUnresolved(host, raftPort),
                InetSocketAddress.createUnresolved(host, clientPort));
    }

    static String nodeId(String host, int raftPort) {
        return host + "_" + raftPort;
    }

    /**
     * The address peers reach this node at: BIND_ADDRESS when it names one address; otherwise the entry of PEERS
     * that is this node (an address of this machine with this node's API port), so that every node may be given
     * the same list.
     */
    private static String localHost(NodeConfig config, int apiPort) {
        InetAddress bind = config.listen().bindAddress();
        if (!bind.isAnyLocalAddress()) {
            return bind.getHostAddress();
        }
        for (HostPort peer : config.cluster().peers()) {
            if (peer.port() == apiPort && isLocal(peer.host())) {
                return peer.host();
            }
        }
        throw new IllegalArgumentException("this node cannot tell which address its peers reach it at: set"
                + " BIND_ADDRESS to that address, or list this node in PEERS too (the same list on every node)."
                + " Learning it from the peers comes with the internal API, which is not yet built");
    }

    private static boolean isLocal(String host) {
        try {
            InetAddress address = InetAddress.getByName(host);
            return address.isLoopbackAddress() || NetworkInterface.getByInetAddress(address) != null;
        } catch (UnknownHostException e) {
            return false;
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }
}

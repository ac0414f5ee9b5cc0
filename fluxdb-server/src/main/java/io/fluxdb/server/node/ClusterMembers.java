package io.fluxdb.server.node;

import static java.util.Objects.requireNonNull;

import io.fluxdb.replication.RaftMember;
import io.fluxdb.server.config.HostPort;
import io.fluxdb.server.config.ListenConfig;
import io.fluxdb.server.config.NodeConfig;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The Raft group of a cluster whose nodes are listed in {@code PEERS}: this node and every peer, the same list on
 * every node. {@code PEERS} names each peer's internal API address; a node assumes that its peers use the same port
 * layout as itself: a peer's Raft port lies as far from its API port as this node's does, and so does its client
 * port. That holds on Flux (every instance uses the same ports) and for {@code fluxdb dev}.
 *
 * @param localNodeId this node's id, {@code <host>_<raftPort>}
 * @param members every node, this one included, sorted by id
 */
record ClusterMembers(String localNodeId, List<RaftMember> members) {

    ClusterMembers {
        requireNonNull(localNodeId, "localNodeId is null");
        members = List.copyOf(members);
    }

    /**
     * @param self the address peers reach this node at ({@link SelfAddress})
     */
    static ClusterMembers of(NodeConfig config, String self) {
        requireNonNull(self, "self is null");
        ListenConfig listen = config.listen();
        int apiPort = apiPort(listen);
        int raftOffset = listen.raftPort() - apiPort;
        int clientOffset = listen.clientPort() - apiPort;
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

    /** This node's internal API port as peers reach it. */
    static int apiPort(ListenConfig listen) {
        return listen.apiAdvertisedPort() != 0 ? listen.apiAdvertisedPort() : listen.apiListenPort();
    }

    /** The internal API of the node whose Raft port is {@code raftPort} on {@code host}, with this node's layout. */
    static HostPort apiOf(ListenConfig listen, String host, int raftPort) {
        return new HostPort(host, raftPort - listen.raftPort() + apiPort(listen));
    }

    /** The internal API of a member, with this node's port layout. */
    static InetSocketAddress apiAddress(ListenConfig listen, RaftMember member) {
        HostPort api = apiOf(listen, member.raftAddress().getHostString(), member.raftAddress().getPort());
        return InetSocketAddress.createUnresolved(api.host(), api.port());
    }

    /** {@code host:port} as {@code MembershipAnswer.leaderApi} gives it. */
    static InetSocketAddress parseApi(String hostPort) {
        HostPort parsed = HostPort.parse(hostPort, 1);
        return InetSocketAddress.createUnresolved(parsed.host(), parsed.port());
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
}

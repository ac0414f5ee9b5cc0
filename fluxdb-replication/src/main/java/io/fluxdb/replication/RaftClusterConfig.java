package io.fluxdb.replication;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Everything a node needs to join its cluster's replicated log.
 *
 * @param localNodeId this node's id; must be one of {@code members}
 * @param members every node of the cluster, this one included, the same list on every node
 * @param bindAddress where this node's Raft port listens (a wildcard address listens on every interface)
 * @param storageDirectory where the log and its snapshots live; created if missing
 * @param secret the cluster secret ({@code CLUSTER_SECRET}), at least 16 characters; never printed
 * @param tuning timeouts and limits
 */
public record RaftClusterConfig(String localNodeId, List<RaftMember> members, InetSocketAddress bindAddress,
        Path storageDirectory, String secret, RaftTuning tuning) {

    /** The shortest secret accepted, in characters. */
    public static final int MIN_SECRET_LENGTH = 16;

    public RaftClusterConfig {
        requireNonNull(localNodeId, "localNodeId is null");
        requireNonNull(members, "members is null");
        requireNonNull(bindAddress, "bindAddress is null");
        requireNonNull(storageDirectory, "storageDirectory is null");
        requireNonNull(secret, "secret is null");
        requireNonNull(tuning, "tuning is null");
        members = List.copyOf(members);
        if (members.isEmpty()) {
            throw new IllegalArgumentException("members: [] (expected: at least this node)");
        }
        Set<String> ids = new HashSet<>();
        Set<InetSocketAddress> addresses = new HashSet<>();
        for (RaftMember member : members) {
            if (!ids.add(member.id())) {
                throw new IllegalArgumentException("members: node id '" + member.id() + "' appears twice");
            }
            if (!addresses.add(member.raftAddress())) {
                throw new IllegalArgumentException("members: Raft address " + member.raftAddress() + " appears twice");
            }
        }
        if (!ids.contains(localNodeId)) {
            throw new IllegalArgumentException("localNodeId: '" + localNodeId + "' (expected: one of " + ids + ")");
        }
        if (bindAddress.getPort() == 0) {
            throw new IllegalArgumentException("bindAddress: " + bindAddress + " (expected: a port > 0)");
        }
        int length = secret.codePointCount(0, secret.length());
        if (length < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException("secret: " + length + " characters (expected: at least "
                    + MIN_SECRET_LENGTH + ")");
        }
    }

    /** A configuration with {@link RaftTuning#DEFAULT}. */
    public static RaftClusterConfig of(String localNodeId, List<RaftMember> members, InetSocketAddress bindAddress,
            Path storageDirectory, String secret) {
        return new RaftClusterConfig(localNodeId, members, bindAddress, storageDirectory, secret, RaftTuning.DEFAULT);
    }

    public RaftClusterConfig withTuning(RaftTuning value) {
        return new RaftClusterConfig(localNodeId, members, bindAddress, storageDirectory, secret, value);
    }

    /** This node's entry in {@link #members}. */
    public RaftMember localMember() {
        return member(localNodeId).orElseThrow();
    }

    /** The member with this id, if there is one. */
    public Optional<RaftMember> member(String id) {
        return members.stream().filter(m -> m.id().equals(id)).findFirst();
    }

    @Override
    public String toString() {
        return "RaftClusterConfig[localNodeId=" + localNodeId + ", members=" + members + ", bindAddress="
                + bindAddress + ", storageDirectory=" + storageDirectory + ", secret=(hidden), tuning=" + tuning + "]";
    }
}

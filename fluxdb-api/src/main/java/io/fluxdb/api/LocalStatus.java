package io.fluxdb.api;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one node knows about itself, as its {@link StatusProvider} reports it.
 *
 * @param nodeId this node's id in the cluster
 * @param ip the address peers reach this node at
 * @param role {@code LEADER}, {@code FOLLOWER}, {@code CANDIDATE} or {@code UNKNOWN}
 * @param term the replication term
 * @param leaderId the leader's node id, if known
 * @param leaderIp the leader's address, if known
 * @param appliedIndex the highest log index applied to this node's engine
 * @param commitIndex the highest log index this node knows to be committed
 * @param engine the engine's health
 * @param divergence why this node's data differs from the leader's, if it does
 * @param failure why this node stopped applying its log, if it did
 * @param osUptimeSeconds this machine's uptime, if known
 * @param staticIp whether this node's address is static, where discovery knows
 * @param foreignData what happened to data this node's engine held that the cluster did not write, if it held any
 * @param installingSnapshot whether this node is loading a snapshot from a peer now
 * @param flowControl the leader's flow control; empty on other nodes and where it is off
 */
public record LocalStatus(String nodeId, String ip, String role, long term, Optional<String> leaderId,
        Optional<String> leaderIp, long appliedIndex, long commitIndex, EngineStatus engine,
        Optional<String> divergence, Optional<String> failure, OptionalLong osUptimeSeconds,
        Optional<Boolean> staticIp, Optional<String> foreignData, boolean installingSnapshot,
        Optional<FlowControlStatus> flowControl) {

    public LocalStatus {
        requireNonNull(nodeId, "nodeId is null");
        requireNonNull(ip, "ip is null");
        requireNonNull(role, "role is null");
        requireNonNull(leaderId, "leaderId is null");
        requireNonNull(leaderIp, "leaderIp is null");
        requireNonNull(engine, "engine is null");
        requireNonNull(divergence, "divergence is null");
        requireNonNull(failure, "failure is null");
        requireNonNull(osUptimeSeconds, "osUptimeSeconds is null");
        requireNonNull(staticIp, "staticIp is null");
        requireNonNull(foreignData, "foreignData is null");
        requireNonNull(flowControl, "flowControl is null");
    }

    public boolean isLeader() {
        return role.equals("LEADER");
    }
}

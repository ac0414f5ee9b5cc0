package io.fluxdb.api;

import java.util.List;

/**
 * The JSON of {@code GET /status}. Its first five fields keep the original Flux Shared DB's shape, which FluxOS
 * reads; the rest are FluxDB's own (see docs/status.md). Fields that are unknown are {@code null}, never absent.
 *
 * @param status {@code OK} (serving, a leader is known), {@code SYNC} (catching up with the log) or {@code INIT}
 *     (not serving: no leader known, engine down, or data diverged)
 * @param sequenceNumber the highest log index applied on this node
 * @param masterIP the leader's address, null while none is known
 * @param taskStatus progress of a long task in percent, -1 when idle (no such task exists yet)
 * @param clusterStatus every node of the cluster, this one included
 * @param nodeId this node's id
 * @param ip this node's address
 * @param role {@code LEADER}, {@code FOLLOWER}, {@code CANDIDATE} or {@code UNKNOWN}
 * @param term the replication term
 * @param leaderId the leader's node id, null while none is known
 * @param appliedIndex the same as {@code sequenceNumber}
 * @param commitIndex the highest log index this node knows to be committed
 * @param lag committed entries not yet applied here
 * @param engine the engine's health
 * @param divergence why this node's data differs from the leader's, null if it does not
 * @param failure why this node stopped applying its log, null if it did not
 * @param osUptime this machine's uptime in seconds, null if unknown
 * @param foreignData what happened to data this node's engine held that the cluster did not write (saved to a file
 *     and removed), null if it held none
 * @param installingSnapshot whether this node is loading a snapshot from a peer now (its status is then SYNC)
 * @param flowControl the leader's flow control; null on other nodes and where it is off
 */
public record StatusReport(String status, long sequenceNumber, String masterIP, int taskStatus,
        List<ClusterStatusEntry> clusterStatus, String nodeId, String ip, String role, long term, String leaderId,
        long appliedIndex, long commitIndex, long lag, EngineStatus engine, String divergence, String failure,
        Long osUptime, String foreignData, boolean installingSnapshot, FlowControlStatus flowControl) {

    public static final String OK = "OK";
    public static final String SYNC = "SYNC";
    public static final String INIT = "INIT";
    /** The {@code taskStatus} of a node that runs no long task. */
    public static final int IDLE = -1;
}

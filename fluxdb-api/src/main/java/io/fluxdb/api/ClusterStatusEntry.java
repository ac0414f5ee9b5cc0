package io.fluxdb.api;

/**
 * One node in {@code clusterStatus}, in the shape of the original Flux Shared DB's {@code /status}, which FluxOS
 * reads.
 *
 * @param ip the node's address
 * @param active whether it answered this node's last status requests
 * @param seqNo its applied log index as it last reported it (0 if it never answered)
 * @param staticIp whether its address is static (false when unknown)
 * @param osUptime its machine's uptime in seconds (0 when unknown)
 * @param masterIP the leader's address as it last reported it (null when it knows none)
 */
public record ClusterStatusEntry(String ip, boolean active, long seqNo, boolean staticIp, long osUptime,
        String masterIP) {
}

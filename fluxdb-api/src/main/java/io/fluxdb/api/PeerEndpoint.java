package io.fluxdb.api;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Another node of the cluster, where its status is read.
 *
 * @param ip its address, as {@code clusterStatus[].ip} shows it
 * @param statusUrl its {@code GET /status} URL
 * @param staticIp whether its address is static, where discovery knows
 * @param osUptimeSeconds its machine's uptime, where discovery knows
 */
public record PeerEndpoint(String ip, URI statusUrl, Optional<Boolean> staticIp, OptionalLong osUptimeSeconds) {

    public PeerEndpoint {
        requireNonNull(ip, "ip is null");
        requireNonNull(statusUrl, "statusUrl is null");
        requireNonNull(staticIp, "staticIp is null");
        requireNonNull(osUptimeSeconds, "osUptimeSeconds is null");
    }

    public static PeerEndpoint of(String ip, URI statusUrl) {
        return new PeerEndpoint(ip, statusUrl, Optional.empty(), OptionalLong.empty());
    }
}

package io.fluxdb.discovery;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * One node that discovery says should be part of the cluster.
 *
 * @param host its address (an IP, or a host name for a static list)
 * @param port its internal API port
 * @param staticIp whether its address is static, where the source knows (FluxOS does)
 * @param osUptimeSeconds its machine's uptime, where the source knows (FluxOS does)
 */
public record Peer(String host, int port, Optional<Boolean> staticIp, OptionalLong osUptimeSeconds) {

    public Peer {
        requireNonNull(host, "host is null");
        requireNonNull(staticIp, "staticIp is null");
        requireNonNull(osUptimeSeconds, "osUptimeSeconds is null");
        if (host.isBlank()) throw new IllegalArgumentException("host: '" + host + "' (expected: not blank)");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
    }

    /** A peer of which nothing but its address is known. */
    public static Peer of(String host, int port) {
        return new Peer(host, port, Optional.empty(), OptionalLong.empty());
    }

    /** {@code host:port}, with brackets around an IPv6 literal. */
    public String hostPort() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}

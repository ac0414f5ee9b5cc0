package io.fluxdb.server.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * Limits and options of the client-facing MySQL listener.
 *
 * @param maxConnections client connections open at once ({@code MAX_CONNECTIONS})
 * @param idleTimeout a client connection idle this long is closed ({@code IDLE_TIMEOUT})
 * @param maxPacketBytes the largest client command accepted ({@code MAX_PACKET_SIZE})
 * @param localInfile whether {@code LOAD DATA LOCAL INFILE} is allowed ({@code LOCAL_INFILE})
 * @param tls a configured certificate; empty means the operator uses its own self-signed one
 */
public record ProxyConfig(
        int maxConnections, Duration idleTimeout, long maxPacketBytes, boolean localInfile, Optional<TlsConfig> tls) {
    public static final int DEFAULT_MAX_CONNECTIONS = 1000;
    public static final int MAX_CONNECTIONS_LIMIT = 100_000;
    /** MySQL's and MariaDB's {@code wait_timeout} default: 28800 s. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(8);
    /** MySQL 8's {@code max_allowed_packet} default. */
    public static final long DEFAULT_MAX_PACKET_BYTES = 64L << 20;
    /** The bounds of {@code max_allowed_packet} in MySQL and MariaDB. */
    public static final long MIN_PACKET_BYTES = 1L << 10;
    public static final long MAX_PACKET_BYTES = 1L << 30;

    public ProxyConfig {
        requireNonNull(idleTimeout, "idleTimeout is null");
        requireNonNull(tls, "tls is null");
        if (maxConnections < 1 || maxConnections > MAX_CONNECTIONS_LIMIT) {
            throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: 1-" + MAX_CONNECTIONS_LIMIT + ")");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout: " + idleTimeout + " (expected: > 0)");
        }
        if (maxPacketBytes < MIN_PACKET_BYTES || maxPacketBytes > MAX_PACKET_BYTES) {
            throw new IllegalArgumentException("maxPacketBytes: " + maxPacketBytes
                    + " (expected: " + MIN_PACKET_BYTES + "-" + MAX_PACKET_BYTES + ")");
        }
    }
}

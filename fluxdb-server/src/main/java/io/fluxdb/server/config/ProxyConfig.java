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
 * @param connectTimeout a client must finish its handshake and login within this ({@code CONNECT_TIMEOUT})
 * @param ioThreads event-loop threads serving client and engine sockets ({@code IO_THREADS}); 0 means one per CPU
 * @param frontDoor limits against abuse and TLS to the engine
 */
public record ProxyConfig(
        int maxConnections, Duration idleTimeout, long maxPacketBytes, boolean localInfile, Optional<TlsConfig> tls,
        Duration connectTimeout, int ioThreads, FrontDoorConfig frontDoor) {
    public static final int DEFAULT_MAX_CONNECTIONS = 1000;
    public static final int MAX_CONNECTIONS_LIMIT = 100_000;
    /** MySQL's and MariaDB's {@code wait_timeout} default: 28800 s. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(8);
    /** MySQL 8's {@code max_allowed_packet} default. */
    public static final long DEFAULT_MAX_PACKET_BYTES = 64L << 20;
    /** The bounds of {@code max_allowed_packet} in MySQL and MariaDB. */
    public static final long MIN_PACKET_BYTES = 1L << 10;
    public static final long MAX_PACKET_BYTES = 1L << 30;
    /** MariaDB's {@code connect_timeout} is 10 s; a loaded host may need more, hence the setting. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final int MAX_IO_THREADS = 256;

    /** The defaults for the connect timeout and the I/O threads. */
    public ProxyConfig(int maxConnections, Duration idleTimeout, long maxPacketBytes, boolean localInfile,
            Optional<TlsConfig> tls) {
        this(maxConnections, idleTimeout, maxPacketBytes, localInfile, tls, DEFAULT_CONNECT_TIMEOUT, 0);
    }

    /** The default limits against abuse ({@link FrontDoorConfig#DEFAULTS}). */
    public ProxyConfig(int maxConnections, Duration idleTimeout, long maxPacketBytes, boolean localInfile,
            Optional<TlsConfig> tls, Duration connectTimeout, int ioThreads) {
        this(maxConnections, idleTimeout, maxPacketBytes, localInfile, tls, connectTimeout, ioThreads,
                FrontDoorConfig.DEFAULTS);
    }

    public ProxyConfig {
        requireNonNull(idleTimeout, "idleTimeout is null");
        requireNonNull(tls, "tls is null");
        requireNonNull(connectTimeout, "connectTimeout is null");
        requireNonNull(frontDoor, "frontDoor is null");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout: " + connectTimeout + " (expected: > 0)");
        }
        if (ioThreads < 0 || ioThreads > MAX_IO_THREADS) {
            throw new IllegalArgumentException("ioThreads: " + ioThreads + " (expected: 0-" + MAX_IO_THREADS + ")");
        }
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

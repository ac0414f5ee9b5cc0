package io.fluxdb.engine.mysql.frontend;

import static java.util.Objects.requireNonNull;

import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of the MySQL front end.
 *
 * @param listen where clients connect (port 0 picks a free port)
 * @param maxConnections client connections accepted at once; more get ER_CON_COUNT_ERROR
 * @param idleTimeout a session idle this long between commands is closed (like {@code wait_timeout})
 * @param connectTimeout the handshake and login must complete within this time
 * @param maxPacketBytes the largest packet accepted from a client; larger get ER_NET_PACKET_TOO_LARGE
 * @param localInfile whether LOAD DATA LOCAL INFILE is allowed
 * @param tls the context for in-band TLS, or empty to not offer TLS
 * @param shutdownGrace how long running statements may finish when the operator stops
 * @param versionSuffix appended to the engine's version string in the handshake
 * @param defaultDatabase selected at login for a client that names no database; "" selects none
 */
public record ProxyConfig(
        InetSocketAddress listen,
        int maxConnections,
        Duration idleTimeout,
        Duration connectTimeout,
        long maxPacketBytes,
        boolean localInfile,
        Optional<SslContext> tls,
        Duration shutdownGrace,
        String versionSuffix,
        String defaultDatabase) {

    public ProxyConfig {
        requireNonNull(listen, "listen is null");
        requireNonNull(idleTimeout, "idleTimeout is null");
        requireNonNull(connectTimeout, "connectTimeout is null");
        requireNonNull(tls, "tls is null");
        requireNonNull(shutdownGrace, "shutdownGrace is null");
        requireNonNull(versionSuffix, "versionSuffix is null");
        requireNonNull(defaultDatabase, "defaultDatabase is null (use \"\" for none)");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: >= 1)");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout: " + idleTimeout + " (expected: > 0)");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout: " + connectTimeout + " (expected: > 0)");
        }
        if (maxPacketBytes < 1024) {
            throw new IllegalArgumentException("maxPacketBytes: " + maxPacketBytes + " (expected: >= 1024)");
        }
    }

    /** Defaults for a listener on {@code listen}: 2000 connections, 8 h idle, 64 MiB packets, no TLS, no default database. */
    public static ProxyConfig defaults(InetSocketAddress listen) {
        return new ProxyConfig(listen, 2000, Duration.ofHours(8), Duration.ofSeconds(10), 64L << 20, false,
                Optional.empty(), Duration.ofSeconds(10), "-fluxdb", "");
    }

    public ProxyConfig withTls(SslContext context) {
        return new ProxyConfig(listen, maxConnections, idleTimeout, connectTimeout, maxPacketBytes, localInfile,
                Optional.of(context), shutdownGrace, versionSuffix, defaultDatabase);
    }
}

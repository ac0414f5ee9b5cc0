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
 * @param maxLoginsPerAddress connections from one client address that may be logging in at once; more get
 *     ER_CON_COUNT_ERROR before the handshake
 * @param loginPacketBytes the largest packet accepted before the client has authenticated; a larger declared
 *     length is refused on its header with ER_NET_PACKET_TOO_LARGE
 * @param packetTimeout after login, a packet started but not finished, with no byte received for this long, ends
 *     the session with ER_NET_READ_INTERRUPTED (like {@code net_read_timeout})
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
        String defaultDatabase,
        int maxLoginsPerAddress,
        long loginPacketBytes,
        Duration packetTimeout) {

    /** Enough for any handshake response: a user, a database, an RSA-encrypted password and connection attributes. */
    public static final long DEFAULT_LOGIN_PACKET_BYTES = 16L << 10;
    public static final int DEFAULT_MAX_LOGINS_PER_ADDRESS = 64;
    public static final Duration DEFAULT_PACKET_TIMEOUT = Duration.ofSeconds(10);

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
        requireNonNull(packetTimeout, "packetTimeout is null");
        if (maxLoginsPerAddress < 1) {
            throw new IllegalArgumentException("maxLoginsPerAddress: " + maxLoginsPerAddress + " (expected: >= 1)");
        }
        if (loginPacketBytes < 1024) {
            throw new IllegalArgumentException("loginPacketBytes: " + loginPacketBytes + " (expected: >= 1024)");
        }
        if (packetTimeout.isNegative() || packetTimeout.isZero()) {
            throw new IllegalArgumentException("packetTimeout: " + packetTimeout + " (expected: > 0)");
        }
        if (maxPacketBytes < 1024) {
            throw new IllegalArgumentException("maxPacketBytes: " + maxPacketBytes + " (expected: >= 1024)");
        }
    }

    /** Defaults for a listener on {@code listen}: 2000 connections, 8 h idle, 64 MiB packets, no TLS, no default database. */
    public static ProxyConfig defaults(InetSocketAddress listen) {
        return new ProxyConfig(listen, 2000, Duration.ofHours(8), Duration.ofSeconds(10), 64L << 20, false,
                Optional.empty(), Duration.ofSeconds(10), "-fluxdb", "", DEFAULT_MAX_LOGINS_PER_ADDRESS,
                DEFAULT_LOGIN_PACKET_BYTES, DEFAULT_PACKET_TIMEOUT);
    }

    public ProxyConfig withTls(SslContext context) {
        return new ProxyConfig(listen, maxConnections, idleTimeout, connectTimeout, maxPacketBytes, localInfile,
                Optional.of(context), shutdownGrace, versionSuffix, defaultDatabase, maxLoginsPerAddress, loginPacketBytes,
                packetTimeout);
    }
}

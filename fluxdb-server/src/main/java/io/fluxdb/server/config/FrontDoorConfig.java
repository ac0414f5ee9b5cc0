package io.fluxdb.server.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Limits that hold the client port against abuse, and TLS on the operator's own connections to the engine.
 *
 * @param maxLoginsPerAddress connections from one address still logging in at once ({@code MAX_LOGINS_PER_ADDRESS})
 * @param loginPacketBytes the largest packet accepted before authentication ({@code LOGIN_PACKET_SIZE})
 * @param packetTimeout after login, a started packet with no byte for this long ends the session ({@code PACKET_TIMEOUT})
 * @param engineConnections the most connections to the engine; 0 means the engine's max_connections less a reserve
 *     ({@code ENGINE_CONNECTIONS})
 * @param engineTls when connections to the engine use TLS ({@code ENGINE_TLS})
 * @param engineTlsCa certificates that may sign the engine's; empty accepts any ({@code ENGINE_TLS_CA})
 */
public record FrontDoorConfig(int maxLoginsPerAddress, long loginPacketBytes, Duration packetTimeout,
        int engineConnections, EngineTls engineTls, Optional<Path> engineTlsCa) {
    public static final int DEFAULT_MAX_LOGINS_PER_ADDRESS = 64;
    public static final long DEFAULT_LOGIN_PACKET_BYTES = 16L << 10;
    public static final long MIN_LOGIN_PACKET_BYTES = 1L << 10;
    public static final long MAX_LOGIN_PACKET_BYTES = 1L << 20;
    public static final Duration DEFAULT_PACKET_TIMEOUT = Duration.ofSeconds(10);
    public static final int MAX_ENGINE_CONNECTIONS = 100_000;
    public static final FrontDoorConfig DEFAULTS = new FrontDoorConfig(DEFAULT_MAX_LOGINS_PER_ADDRESS,
            DEFAULT_LOGIN_PACKET_BYTES, DEFAULT_PACKET_TIMEOUT, 0, EngineTls.AUTO, Optional.empty());

    /** When the operator's connections to the engine use TLS. */
    public enum EngineTls {
        /** For the sessions of accounts that require TLS. */
        AUTO,
        /** Always. */
        ON,
        /** Never. */
        OFF;

        public static EngineTls parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + text + "' is not auto, on or off");
            }
        }

        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public FrontDoorConfig {
        requireNonNull(packetTimeout, "packetTimeout is null");
        requireNonNull(engineTls, "engineTls is null");
        requireNonNull(engineTlsCa, "engineTlsCa is null");
        if (maxLoginsPerAddress < 1) {
            throw new IllegalArgumentException("maxLoginsPerAddress: " + maxLoginsPerAddress + " (expected: >= 1)");
        }
        if (loginPacketBytes < MIN_LOGIN_PACKET_BYTES || loginPacketBytes > MAX_LOGIN_PACKET_BYTES) {
            throw new IllegalArgumentException("loginPacketBytes: " + loginPacketBytes + " (expected: "
                    + MIN_LOGIN_PACKET_BYTES + "-" + MAX_LOGIN_PACKET_BYTES + ")");
        }
        if (packetTimeout.isNegative() || packetTimeout.isZero()) {
            throw new IllegalArgumentException("packetTimeout: " + packetTimeout + " (expected: > 0)");
        }
        if (engineConnections < 0 || engineConnections > MAX_ENGINE_CONNECTIONS) {
            throw new IllegalArgumentException("engineConnections: " + engineConnections + " (expected: 0-"
                    + MAX_ENGINE_CONNECTIONS + ")");
        }
    }
}

package io.fluxdb.engine.mysql.backend;

import static java.util.Objects.requireNonNull;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * TLS on the operator's connections to the engine.
 *
 * @param mode when the operator uses TLS to the engine
 * @param context the client context; it verifies the engine's certificate against the configured CA
 *     (chain only: the engine is addressed by whatever name the operator was given), or accepts any
 *     certificate when no CA is configured
 */
public record EngineTls(Mode mode, SslContext context) {
    /** When engine connections use TLS. */
    public enum Mode {
        /** For the sessions of accounts that require TLS (REQUIRE SSL); others stay plain. */
        AUTO,
        /** For every engine connection; an engine without TLS refuses every login. */
        ON,
        /** Never: accounts that require TLS cannot log in. */
        OFF;

        public static Mode parse(String value) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("engine TLS mode: '" + value + "' (expected: auto, on or off)", e);
            }
        }
    }

    /** Plain unless an account requires TLS, then without verifying the engine's certificate. */
    public static final EngineTls DEFAULT = of(Mode.AUTO, Optional.empty());

    public EngineTls {
        requireNonNull(mode, "mode is null");
        requireNonNull(context, "context is null");
    }

    /** @param ca a PEM file of the certificates that may sign the engine's; empty trusts any */
    public static EngineTls of(Mode mode, Optional<Path> ca) {
        requireNonNull(mode, "mode is null");
        requireNonNull(ca, "ca is null");
        try {
            SslContextBuilder builder = SslContextBuilder.forClient();
            if (ca.isPresent()) {
                builder.trustManager(ca.get().toFile());
            } else {
                builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
            }
            return new EngineTls(mode, builder.build());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot use " + ca.map(Path::toString).orElse("the default trust")
                    + " to verify the engine's certificate: " + e.getMessage(), e);
        }
    }

    /** Whether a connection for {@code key} uses TLS, which the key asks for with CLIENT_SSL. */
    boolean uses(BackendKey key) {
        return mode == Mode.ON || (mode == Mode.AUTO
                && io.fluxdb.protocol.constant.CapabilityFlags.has(key.capabilities(),
                        io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_SSL));
    }
}

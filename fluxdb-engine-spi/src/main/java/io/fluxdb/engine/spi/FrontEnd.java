package io.fluxdb.engine.spi;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Serves an engine's clients in that engine's wire protocol: accepts connections, authenticates, classifies
 * statements, answers reads from the local engine and sends write transactions through {@link Cluster}.
 *
 * <p>The server starts it once, after replication, and closes the returned {@link Handle} before closing
 * replication.
 */
public interface FrontEnd {

    /**
     * Binds the client port and starts accepting connections.
     *
     * @throws IOException if the port cannot be bound
     */
    Handle start(FrontEndContext context) throws IOException;

    /** A running front end. */
    interface Handle extends AutoCloseable {

        /** The address actually bound (useful when the configured port was 0). */
        InetSocketAddress localAddress();

        /**
         * The SHA-256 fingerprint (lowercase hex) of the TLS certificate the client port presents, if it offers TLS.
         * The server publishes it to the other members, so that their forwarded sessions accept only this
         * certificate from this node.
         */
        default java.util.Optional<String> certificateSha256() {
            return java.util.Optional.empty();
        }

        /** Stops accepting, closes client sessions and waits for in-flight work. Idempotent. */
        @Override
        void close();
    }
}

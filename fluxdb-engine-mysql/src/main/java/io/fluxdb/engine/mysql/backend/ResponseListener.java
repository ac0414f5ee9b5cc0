package io.fluxdb.engine.mysql.backend;

import io.fluxdb.protocol.codec.Packet;

/**
 * Receives the engine's packets for the command in flight on a backend connection. Exactly one
 * listener is active at a time; it is replaced when the next command is sent.
 */
public interface ResponseListener {
    /** One packet from the engine; the listener owns it and must release it. */
    void onPacket(Packet packet);

    /** The engine's current burst of packets has been read: a listener that batches writes flushes here. */
    default void onReadComplete() {}

    /** The backend connection failed or closed while this listener was active. */
    void onBackendFailure(Throwable cause);
}

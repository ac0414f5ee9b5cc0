package io.fluxdb.engine.mysql.frontend;

import io.fluxdb.protocol.codec.Packet;

/** A command in flight on a session: a relayed engine response, or an exchange the operator runs itself. */
interface Exchange {
    /** True while the exchange expects more packets from the client (LOCAL INFILE data, auth data). */
    boolean wantsClientData();

    /** A client packet for this exchange; the exchange owns it. */
    void clientData(Packet packet);

    /** The client's socket drained: resume reading from the engine. */
    default void resumeBackend() {}
}

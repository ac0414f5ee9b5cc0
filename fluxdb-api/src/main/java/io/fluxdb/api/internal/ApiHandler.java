package io.fluxdb.api.internal;

import java.io.IOException;

/**
 * Answers one route of the internal API. Runs on its own virtual thread and may block (on the engine, on a stream to
 * the caller); it answers through the exchange, and an exception it throws becomes a 500 with the exception's message.
 */
@FunctionalInterface
public interface ApiHandler {

    void handle(ApiExchange exchange) throws IOException;
}

package io.fluxdb.api.internal;

/**
 * The answer of {@code GET /v1/whoami}: where the caller's connection came from, as the answering node saw it. On Flux
 * that is the caller's public address, which it cannot see itself behind the network address translation.
 *
 * @param address the caller's IP address
 * @param port the caller's source port
 * @param instance the answering server's random id, so that a node that asked itself (its own address is among those
 *     it asks) can tell
 */
public record WhoAmI(String address, int port, String instance) {
}

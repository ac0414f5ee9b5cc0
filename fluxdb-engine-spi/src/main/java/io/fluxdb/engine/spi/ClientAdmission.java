package io.fluxdb.engine.spi;

import java.net.InetAddress;
import java.util.Optional;

/**
 * Decides, before authentication, whether a client address may use this node at all (WHITELIST,
 * the instances of CLIENT_APPNAME, AUTH_MASTER_ONLY). The answer may change at any time, as
 * discovery and the node's role change, so front ends ask for every new connection.
 */
@FunctionalInterface
public interface ClientAdmission {
    /** Everyone may connect; passwords still apply. */
    ClientAdmission ALLOW_ALL = address -> Optional.empty();

    /**
     * Why {@code address} is refused, or empty when it may connect. Front ends send the reason to
     * the refused client, so it must name the rule, not reveal more of the configuration.
     */
    Optional<String> refusal(InetAddress address);
}

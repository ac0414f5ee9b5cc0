package io.fluxdb.engine.mysql.frontend;

import java.net.InetAddress;
import java.util.Optional;

/**
 * Decides, before authentication, whether a client address may use this node at all (WHITELIST,
 * the instances of CLIENT_APPNAME, AUTH_MASTER_ONLY). The decision may change at any time, as
 * discovery and the node's role change, so it is asked for every new connection.
 */
@FunctionalInterface
public interface ClientAccessPolicy {
    /** Everyone may connect; passwords still apply. */
    ClientAccessPolicy ALLOW_ALL = address -> Optional.empty();

    /**
     * Why {@code address} is refused, or empty when it may connect. The reason is sent to the
     * client in the ERR packet, so it must not reveal more than the configuration it names.
     */
    Optional<String> refusal(InetAddress address);
}

package io.fluxdb.server.config;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Who may connect to the client port, checked before authentication.
 *
 * @param whitelist addresses always allowed ({@code WHITELIST})
 * @param clientAppName the Flux app whose instances may connect ({@code CLIENT_APPNAME})
 * @param authMasterOnly whether nodes other than the leader refuse clients outside the
 *     whitelist ({@code AUTH_MASTER_ONLY})
 */
public record AccessConfig(AddressMatcher whitelist, Optional<String> clientAppName, boolean authMasterOnly) {
    /** Loopback, plus Docker's private 172.16.0.0/12 where the app's own containers connect from. */
    public static final String DEFAULT_WHITELIST = "127.0.0.1,::1,172.16.0.0/12";

    public AccessConfig {
        requireNonNull(whitelist, "whitelist is null");
        requireNonNull(clientAppName, "clientAppName is null");
        clientAppName.ifPresent(ConfigValues::parseAppName);
    }
}

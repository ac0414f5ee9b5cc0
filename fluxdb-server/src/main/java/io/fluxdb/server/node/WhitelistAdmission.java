package io.fluxdb.server.node;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.spi.ClientAdmission;
import io.fluxdb.engine.spi.Cluster;
import io.fluxdb.server.config.AccessConfig;
import io.fluxdb.server.config.IpAddresses;
import java.net.InetAddress;
import java.util.Optional;
import java.util.Set;

/**
 * The original's access rules, enforced before authentication, in its order: a client from an address in WHITELIST
 * (IPs and CIDR ranges) is admitted; with AUTH_MASTER_ONLY, nobody else may use a node that is not the master;
 * otherwise a client from an instance of CLIENT_APPNAME, as FluxOS last listed them, is admitted too. Reads only
 * immutable configuration and a volatile set, so it never blocks the event loop that asks.
 */
final class WhitelistAdmission implements ClientAdmission {
    private final AccessConfig access;
    private final Cluster cluster;
    private final Optional<ClientAppInstances> clientApp;

    WhitelistAdmission(AccessConfig access, Cluster cluster, Optional<ClientAppInstances> clientApp) {
        this.access = requireNonNull(access, "access is null");
        this.cluster = requireNonNull(cluster, "cluster is null");
        this.clientApp = requireNonNull(clientApp, "clientApp is null");
    }

    @Override
    public Optional<String> refusal(InetAddress address) {
        if (access.whitelist().contains(address)) {
            return Optional.empty();
        }
        if (access.authMasterOnly() && !cluster.role().isLeader()) {
            return Optional.of("AUTH_MASTER_ONLY is set and this node is not the master");
        }
        if (clientApp.isEmpty()) {
            return Optional.of("the address is not in WHITELIST");
        }
        ClientAppInstances app = clientApp.get();
        Optional<Set<InetAddress>> admitted = app.admitted();
        if (admitted.isEmpty()) {
            return Optional.of("the address is not in WHITELIST, and FluxOS has not yet answered which addresses the"
                    + " instances of CLIENT_APPNAME '" + app.app() + "' have");
        }
        if (admitted.get().contains(IpAddresses.normalize(address))) {
            return Optional.empty();
        }
        return Optional.of("the address is not in WHITELIST and is not an instance of CLIENT_APPNAME '" + app.app()
                + "' as of FluxOS's last answer");
    }
}

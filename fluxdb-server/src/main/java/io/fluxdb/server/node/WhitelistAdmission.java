package io.fluxdb.server.node;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.spi.ClientAdmission;
import io.fluxdb.engine.spi.Cluster;
import io.fluxdb.server.config.AccessConfig;
import java.net.InetAddress;
import java.util.Optional;

/**
 * The original's access rules, enforced before authentication: a client must come from an address
 * in WHITELIST (IPs and CIDR ranges) or, later, from an instance of CLIENT_APPNAME found by
 * discovery; with AUTH_MASTER_ONLY, only whitelisted clients may use a node that is not the master.
 */
final class WhitelistAdmission implements ClientAdmission {
    private final AccessConfig access;
    private final Cluster cluster;

    WhitelistAdmission(AccessConfig access, Cluster cluster) {
        this.access = requireNonNull(access, "access is null");
        this.cluster = requireNonNull(cluster, "cluster is null");
    }

    @Override
    public Optional<String> refusal(InetAddress address) {
        if (access.whitelist().contains(address)) {
            return Optional.empty();
        }
        if (access.authMasterOnly() && !cluster.role().isLeader()) {
            return Optional.of("AUTH_MASTER_ONLY is set and this node is not the master");
        }
        return Optional.of("the address is not in WHITELIST" + access.clientAppName()
                .map(app -> " and is not an instance of CLIENT_APPNAME '" + app + "'")
                .orElse(""));
    }
}

package io.fluxdb.api;

import java.util.List;

/**
 * The node behind the status endpoint: implemented by the server from its cluster and engine, so this module needs
 * neither. Both methods are called on HTTP threads and should answer quickly; neither may block on the network.
 */
public interface StatusProvider {

    /** This node's state now. */
    LocalStatus local();

    /** The other nodes of the cluster, as this node knows them (from its member list or from discovery). */
    List<PeerEndpoint> peers();
}

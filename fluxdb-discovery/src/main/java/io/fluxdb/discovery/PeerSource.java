package io.fluxdb.discovery;

import java.util.List;
import java.util.OptionalInt;

/**
 * Where the list of a cluster's nodes comes from: FluxOS, a static list, DNS. One call is one lookup; keeping the
 * last good answer while a source fails is {@link DiscoveryService}'s job.
 */
public interface PeerSource {

    /**
     * Looks the nodes up now. The answer includes this node when the source lists it (FluxOS and DNS do).
     *
     * @throws DiscoveryException when the source cannot answer or its answer makes no sense
     */
    List<Peer> lookup() throws DiscoveryException;

    /**
     * How many nodes the source says the cluster is to have, where it says: a Flux app's specification does, a DNS
     * name does not (then {@code BOOTSTRAP_EXPECT} has to).
     *
     * @throws DiscoveryException when the source says but cannot answer now
     */
    default OptionalInt expectedSize() throws DiscoveryException {
        return OptionalInt.empty();
    }

    /** What this source asks, for logs, e.g. {@code fluxos app=mydb}. */
    String describe();
}

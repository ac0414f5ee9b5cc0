package io.fluxdb.replication.snapshot;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where a node that must install a snapshot gets one: an up-to-date peer, over the internal API. The replicated log
 * knows only member ids; the server, which knows the peers' addresses, implements this.
 */
@FunctionalInterface
public interface SnapshotSource {

    /**
     * Opens a snapshot stream ({@link SnapshotHeader} then the engine dump) whose watermark is at least
     * {@code minIndex}, from a member other than this node. The caller reads and closes it.
     *
     * @param leaderId the current leader's id, if known: a source of last resort, since a dump holds back its apply
     * @throws IOException if no peer can serve one now (the caller tries again later)
     */
    InputStream open(long minIndex, java.util.Optional<String> leaderId) throws IOException;
}

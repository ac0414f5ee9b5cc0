package io.fluxdb.replication;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.spi.Cluster;
import io.fluxdb.engine.spi.ClusterRole;
import io.fluxdb.engine.spi.CommitResult;
import io.fluxdb.engine.spi.LogEntryContent;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cluster of a node that runs alone (no DB_APPNAME, no PEERS): it is always the leader, and
 * its engine is the only copy, so an entry is committed as soon as it is sequenced and every index
 * is applied by the time it is handed out.
 */
public final class SingleNodeCluster implements Cluster {
    private final String nodeId;
    private final InetSocketAddress clientAddress;
    private final AtomicLong index = new AtomicLong();

    public SingleNodeCluster(String nodeId, InetSocketAddress clientAddress) {
        this.nodeId = requireNonNull(nodeId, "nodeId is null");
        this.clientAddress = requireNonNull(clientAddress, "clientAddress is null");
    }

    @Override
    public String localNodeId() {
        return nodeId;
    }

    @Override
    public boolean replicated() {
        return false;
    }

    @Override
    public ClusterRole role() {
        return ClusterRole.localOnly(nodeId, clientAddress);
    }

    @Override
    public CompletableFuture<CommitResult> submit(LogEntryContent entry) {
        requireNonNull(entry, "entry is null");
        return CompletableFuture.completedFuture(new CommitResult(1, index.incrementAndGet()));
    }

    @Override
    public void settle(long index, boolean committed) {
        // One node: the entry's engine transaction is the only copy; there is nothing else to apply it to.
    }

    @Override
    public CompletableFuture<Void> awaitApplied(long index, Duration timeout) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Long> readIndex() {
        return CompletableFuture.completedFuture(index.get());
    }

    @Override
    public long appliedIndex() {
        return index.get();
    }
}

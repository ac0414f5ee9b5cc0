package io.fluxdb.server.node;

import static java.util.Objects.requireNonNull;

import io.fluxdb.api.internal.InternalApiClient;
import io.fluxdb.api.internal.NodeInfo;
import io.fluxdb.engine.spi.PeerCertificates;
import io.fluxdb.replication.RaftCluster;
import io.fluxdb.replication.RaftMember;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns the fingerprint of a member's client-port certificate from that member's {@code GET /v1/status}. The
 * internal API is mutual TLS under the cluster CA, so the answer comes from a holder of the cluster secret, and the
 * member is checked to be the one asked (its node id). Answers are kept for {@link #KEEP}: a forwarded session opens
 * once per client session, and a member changes its certificate only when it restarts with another one.
 *
 * <p>Every member is asked again in the background once its answer is {@link #REFRESH} old, so that when a leader
 * fails, the followers already know the new leader's certificate: the first forwarded sessions after an election do
 * not wait for a round trip to its internal API (on a loaded machine, a new HTTPS connection costs a good part of
 * the time the election itself takes). An answer that turns out wrong (the member restarted with a new certificate)
 * is {@linkplain #forget forgotten}, so the next session asks again instead of being refused until it expires.
 */
final class PeerCertificateLookup implements PeerCertificates, AutoCloseable {
    /** How long an answer is reused before the member is asked again. */
    static final Duration KEEP = Duration.ofSeconds(30);
    /** How old an answer may get before the member is asked again in the background; well within {@link #KEEP}. */
    static final Duration REFRESH = Duration.ofSeconds(10);
    /** How often the background looks for members to ask: one that did not answer (not started yet) is asked again. */
    private static final Duration REFRESH_CHECK = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(PeerCertificateLookup.class);

    private final RaftCluster raft;
    private final InternalApiClient client;
    private final int raftToApiOffset;
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService refresher =
            Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("fluxdb-peer-certificates").factory());
    private final Map<String, Known> known = new ConcurrentHashMap<>();
    /** One question per member at a time: a burst of client sessions opening forwarded sessions shares it. */
    private final Map<String, CompletableFuture<String>> asking = new ConcurrentHashMap<>();

    private record Known(String sha256, long atNanos) {}

    /** @param raftToApiOffset a member's API port minus its Raft port */
    PeerCertificateLookup(RaftCluster raft, InternalApiClient client, int raftToApiOffset) {
        this.raft = requireNonNull(raft, "raft is null");
        this.client = requireNonNull(client, "client is null");
        this.raftToApiOffset = raftToApiOffset;
    }

    /**
     * Starts asking every other member whose answer is older than {@link #REFRESH} (or who never answered), every
     * {@link #REFRESH_CHECK}; the first round runs at once.
     */
    PeerCertificateLookup startRefreshing() {
        refresher.scheduleWithFixedDelay(this::refreshAll, 0, REFRESH_CHECK.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void refreshAll() {
        String self = raft.localNodeId();
        List<RaftMember> members = raft.members();
        known.keySet().retainAll(members.stream().map(RaftMember::id).toList());
        for (RaftMember member : members) {
            Known k = known.get(member.id());
            if (member.id().equals(self) || (k != null && System.nanoTime() - k.atNanos() < REFRESH.toNanos())) {
                continue;
            }
            clientCertificateSha256(member.id(), true).whenComplete((sha256, failure) -> {
                if (failure != null) {
                    log.debug("could not refresh the certificate of {}: {}", member.id(), failure.toString());
                }
            });
        }
    }

    @Override
    public void forget(String nodeId) {
        known.remove(requireNonNull(nodeId, "nodeId is null"));
    }

    @Override
    public CompletableFuture<String> clientCertificateSha256(String nodeId) {
        return clientCertificateSha256(requireNonNull(nodeId, "nodeId is null"), false);
    }

    private CompletableFuture<String> clientCertificateSha256(String nodeId, boolean fresh) {
        Known k = known.get(nodeId);
        if (!fresh && k != null && System.nanoTime() - k.atNanos() < KEEP.toNanos()) {
            return CompletableFuture.completedFuture(k.sha256());
        }
        CompletableFuture<String> started = new CompletableFuture<>();
        CompletableFuture<String> question = asking.putIfAbsent(nodeId, started);
        if (question != null) {
            return question.copy(); // a copy: one caller's cancel must not end the others' wait
        }
        started.whenComplete((sha256, failure) -> asking.remove(nodeId, started));
        try {
            calls.execute(() -> {
                try {
                    started.complete(askAndKeep(nodeId));
                } catch (RuntimeException e) {
                    started.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            started.completeExceptionally(new IOException("this node is shutting down"));
        }
        return started.copy();
    }

    private String askAndKeep(String nodeId) {
        try {
            String sha256 = ask(nodeId);
            known.put(nodeId, new Known(sha256, System.nanoTime()));
            return sha256;
        } catch (IOException e) {
            throw new CompletionException(e);
        }
    }

    private String ask(String nodeId) throws IOException {
        RaftMember member = raft.members().stream().filter(m -> m.id().equals(nodeId)).findFirst()
                .orElseThrow(() -> new IOException("node " + nodeId + " is not a member this node knows"));
        InetSocketAddress api = InternalApi.address(member, raftToApiOffset);
        NodeInfo info = client.get(api, "/v1/status", NodeInfo.class);
        if (!nodeId.equals(info.nodeId())) {
            throw new IOException("the internal API at " + api.getHostString() + ":" + api.getPort()
                    + " answered as node " + info.nodeId() + ", not " + nodeId);
        }
        if (info.clientCertificateSha256() == null) {
            throw new IOException("node " + nodeId + " reports no client-port certificate (its client port is not"
                    + " running yet, or it runs an older version)");
        }
        return info.clientCertificateSha256();
    }

    /** Stops the lookups in flight; later ones fail. */
    @Override
    public void close() {
        refresher.shutdownNow();
        calls.shutdownNow();
    }
}

package io.fluxdb.server.node;

import static java.util.Objects.requireNonNull;

import io.fluxdb.api.internal.InternalApiClient;
import io.fluxdb.api.internal.NodeInfo;
import io.fluxdb.replication.FlowControl;
import io.fluxdb.replication.RaftCluster;
import io.fluxdb.replication.RaftMember;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the leader, asks every follower how far it has applied the log ({@code GET /v1/status} of the internal API,
 * mutual TLS under the cluster CA) every {@link #INTERVAL} while a follower is near the limit or writes wait, every
 * {@link #RELAXED_INTERVAL} otherwise, and tells the leader's {@link FlowControl}. A follower that does not answer is
 * asked again once its last question ends; its old report expires in the meantime.
 */
final class FollowerProgressPoller implements AutoCloseable {
    /** Short enough that writes hold back soon after a follower falls behind, and go on soon after it caught up. */
    static final Duration INTERVAL = Duration.ofMillis(200);
    /** Well within {@link FlowControl#REPORT_TTL}, so a report never expires while the follower answers. */
    static final Duration RELAXED_INTERVAL = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(FollowerProgressPoller.class);

    private final RaftCluster raft;
    private final InternalApiClient client;
    private final int raftToApiOffset;
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("fluxdb-follower-progress").factory());
    /** The members asked now: one question per member at a time. */
    private final Set<String> asking = ConcurrentHashMap.newKeySet();
    /** The members whose last question failed, so a failure is logged once, not every round. */
    private final Set<String> silent = ConcurrentHashMap.newKeySet();
    /** When each member was last asked (System.nanoTime), touched by the polling thread only. */
    private final java.util.Map<String, Long> askedAt = new java.util.HashMap<>();

    /** @param raftToApiOffset a member's API port minus its Raft port */
    FollowerProgressPoller(RaftCluster raft, InternalApiClient client, int raftToApiOffset) {
        this.raft = requireNonNull(raft, "raft is null");
        this.client = requireNonNull(client, "client is null");
        this.raftToApiOffset = raftToApiOffset;
    }

    /** Starts polling; a node with flow control off polls nothing. */
    FollowerProgressPoller start() {
        if (raft.flowControl().settings().enabled()) {
            timer.scheduleWithFixedDelay(this::round, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    private void round() {
        try {
            FlowControl flow = raft.flowControl();
            if (!raft.role().isLeader()) {
                flow.reset(); // costs nothing once done
                return;
            }
            List<RaftMember> others = raft.members().stream()
                    .filter(m -> !m.id().equals(raft.localNodeId()))
                    .toList();
            List<String> ids = others.stream().map(RaftMember::id).toList();
            // decides again too: reports may have stopped (a follower went away), which alone can end a wait
            flow.retain(ids);
            askedAt.keySet().retainAll(ids);
            boolean closely = flow.watchClosely();
            long now = System.nanoTime();
            for (RaftMember member : others) {
                Long last = askedAt.get(member.id());
                boolean due = closely || last == null || now - last >= RELAXED_INTERVAL.toNanos();
                if (due && asking.add(member.id())) {
                    askedAt.put(member.id(), now);
                    calls.execute(() -> ask(member));
                }
            }
        } catch (RejectedExecutionException e) {
            // closing
        } catch (RuntimeException e) {
            log.warn("follower progress - round failed: {}", e.toString());
        }
    }

    private void ask(RaftMember member) {
        try {
            InetSocketAddress api = InternalApi.address(member, raftToApiOffset);
            NodeInfo info = client.get(api, "/v1/status", NodeInfo.class);
            if (!member.id().equals(info.nodeId())) {
                throw new IOException("the internal API at " + api.getHostString() + ":" + api.getPort()
                        + " answered as node " + info.nodeId());
            }
            raft.flowControl().report(member.id(), info.appliedIndex());
            if (silent.remove(member.id())) {
                log.info("follower progress - {} answers again", member.id());
            }
        } catch (IOException | RuntimeException e) {
            if (silent.add(member.id())) {
                log.info("follower progress - {} does not answer ({}); writes do not wait for it", member.id(),
                        e.toString());
            }
        } finally {
            asking.remove(member.id());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        calls.shutdownNow();
    }
}

package io.fluxdb.replication;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerRpcWithProxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reopens the leader's connection to a follower that has not answered for a while. A link cut without a word (a
 * partition: packets dropped, no reset) leaves the leader's TCP connection to the follower with unacknowledged data,
 * which the kernel retransmits at doubling intervals, up to two minutes apart; gRPC sends nothing else on it and
 * notices nothing. When the link heals, the follower hears from the leader again only at the next retransmission: in
 * tests, 10 s and more after a 15 s cut, while it stands in elections it cannot win and refuses writes for lack of a
 * leader. A new connection works as soon as the link does, so the leader closes the silent one (Ratis opens another
 * on its next append).
 *
 * <p>Closing takes seconds (gRPC lets the open streams finish first, up to 3 s per channel), so it runs on its own
 * thread, one at a time per follower. While the follower stays silent it is done again, {@code stall} after the
 * previous close ended, then at doubling intervals up to {@link #MAX_INTERVAL}: a machine that is gone for good costs
 * a reconnect every half minute, not a stream of them. Silence is counted from when this node began to lead or first
 * saw the follower, whichever is later, since Ratis starts a new leader's clock for each follower one election timeout
 * in the past.
 */
final class StalledLinks {
    private static final Logger log = LoggerFactory.getLogger(StalledLinks.class);
    static final Duration MAX_INTERVAL = Duration.ofSeconds(30);

    private final String localNodeId;
    private final Supplier<RoleInfoProto> roleInfo;
    private final Consumer<String> reopen;
    private final Executor closer;
    private final LongSupplier clock;
    private final long stallNanos;
    /** Followers of this term, by id. Touched by the checking thread only. */
    private final Map<String, Link> links = new HashMap<>();

    /** One follower as this check sees it. */
    private static final class Link {
        final long firstSeen;
        /** A close is running. */
        volatile boolean closing;
        /** When the last close ended (on the clock), or 0: none since the follower last answered. */
        volatile long closedAt;
        long interval;

        Link(long firstSeen, long interval) {
            this.firstSeen = firstSeen;
            this.interval = interval;
        }
    }

    /**
     * @param roleInfo this node's current role, as Ratis reports it (null when it has none)
     * @param reopen closes the connection to the follower of the given id (the next append opens another); may take
     *     seconds
     * @param closer where {@code reopen} runs
     * @param clock nanoseconds, as System::nanoTime
     * @param stall how long a follower may stay silent before its connection is reopened
     */
    StalledLinks(String localNodeId, Supplier<RoleInfoProto> roleInfo, Consumer<String> reopen, Executor closer,
            LongSupplier clock, Duration stall) {
        this.localNodeId = localNodeId;
        this.roleInfo = roleInfo;
        this.reopen = reopen;
        this.closer = closer;
        this.clock = clock;
        this.stallNanos = stall.toNanos();
    }

    /** Closes through Ratis's own proxy map, which opens a new connection when next asked for one. */
    static Consumer<String> reopenIn(RaftServer server) {
        return followerId -> {
            if (server.getServerRpc() instanceof RaftServerRpcWithProxy<?, ?> rpc) {
                rpc.getProxies().resetProxy(RaftPeerId.valueOf(followerId));
            } else {
                throw new IllegalStateException("no proxies to reset in " + server.getServerRpc());
            }
        };
    }

    /** Looks at every follower once; called periodically on one thread. */
    void check() {
        long now = clock.getAsLong();
        RoleInfoProto role = roleInfo.get();
        if (role == null || !role.hasLeaderInfo()) {
            links.clear();
            return;
        }
        long leadingNanos = role.getRoleElapsedTimeMs() * 1_000_000;
        Set<String> followers = new HashSet<>();
        for (ServerRpcProto follower : role.getLeaderInfo().getFollowerInfoList()) {
            String id = follower.getId().getId().toStringUtf8();
            followers.add(id);
            Link link = links.computeIfAbsent(id, k -> new Link(now, stallNanos));
            long silent = Math.min(follower.getLastRpcElapsedTimeMs() * 1_000_000,
                    Math.min(leadingNanos, now - link.firstSeen));
            if (silent < stallNanos) {
                if (link.closedAt != 0 && !link.closing) {
                    log.info("{} - {} answers again", localNodeId, id);
                    link.closedAt = 0;
                    link.interval = stallNanos;
                }
                continue;
            }
            if (link.closing || (link.closedAt != 0 && now - link.closedAt < link.interval)) {
                continue;
            }
            if (link.closedAt == 0) {
                log.info("{} - {} has not answered for {} ms; reopening the connection to it (again while it stays "
                        + "silent, at most every {} s)", localNodeId, id, silent / 1_000_000, MAX_INTERVAL.toSeconds());
            } else {
                link.interval = Math.min(2 * link.interval, MAX_INTERVAL.toNanos());
            }
            close(id, link);
        }
        links.keySet().retainAll(followers);
    }

    private void close(String id, Link link) {
        link.closing = true;
        CompletableFuture.runAsync(() -> reopen.accept(id), closer).whenComplete((ignored, failure) -> {
            if (failure != null) {
                log.warn("{} - could not reopen the connection to {}: {}", localNodeId, id, failure.toString());
            }
            link.closedAt = Math.max(1, clock.getAsLong());
            link.closing = false;
        });
    }
}

package io.fluxdb.replication;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
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
 * leader. A new connection works as soon as the link does, so the leader closes the silent one and Ratis opens another
 * on its next append (at most once per {@code stall} per follower, while the follower stays silent).
 */
final class StalledLinks {
    private static final Logger log = LoggerFactory.getLogger(StalledLinks.class);

    private final String localNodeId;
    private final Supplier<RoleInfoProto> roleInfo;
    private final Consumer<String> reopen;
    private final long stallMillis;
    /** The followers whose connection was reopened, and when (System.nanoTime). */
    private final Map<String, Long> reopened = new HashMap<>();

    /**
     * @param roleInfo this node's current role, as Ratis reports it (null when it has none)
     * @param reopen closes the connection to the follower of the given id (the next append opens another)
     * @param stall how long a follower may stay silent before its connection is reopened
     */
    StalledLinks(String localNodeId, Supplier<RoleInfoProto> roleInfo, Consumer<String> reopen, Duration stall) {
        this.localNodeId = localNodeId;
        this.roleInfo = roleInfo;
        this.reopen = reopen;
        this.stallMillis = stall.toMillis();
    }

    /** Reopens through Ratis's own proxies, as it does itself after some errors. */
    static Consumer<String> reopenIn(RaftServer server) {
        return followerId -> {
            if (server.getServerRpc() instanceof RaftServerRpcWithProxy<?, ?> rpc) {
                rpc.getProxies().resetProxy(RaftPeerId.valueOf(followerId));
            }
        };
    }

    /** Looks at every follower once; called periodically on one thread. */
    void check() {
        check(System.nanoTime());
    }

    /** {@link #check()} at {@code now} (System.nanoTime). */
    void check(long now) {
        RoleInfoProto role = roleInfo.get();
        if (role == null || !role.hasLeaderInfo()) {
            reopened.clear();
            return;
        }
        Set<String> followers = new HashSet<>();
        for (ServerRpcProto follower : role.getLeaderInfo().getFollowerInfoList()) {
            String id = follower.getId().getId().toStringUtf8();
            followers.add(id);
            long silentMillis = follower.getLastRpcElapsedTimeMs();
            Long last = reopened.get(id);
            if (silentMillis < stallMillis) {
                if (last != null) {
                    log.info("{} - {} answers again", localNodeId, id);
                    reopened.remove(id);
                }
                continue;
            }
            if (last != null && now - last < stallMillis * 1_000_000) {
                continue;
            }
            if (last == null) {
                log.info("{} - {} has not answered for {} ms; reopening the connection to it (and again every {} ms "
                        + "while it stays silent)", localNodeId, id, silentMillis, stallMillis);
            }
            reopen.accept(id);
            reopened.put(id, now);
        }
        reopened.keySet().retainAll(followers);
    }
}

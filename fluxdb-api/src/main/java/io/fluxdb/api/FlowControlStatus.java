package io.fluxdb.api;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The leader's flow control in a status answer (see docs/design/replication.md, "Flow control").
 *
 * @param maxLag how many entries a follower may be behind before new writes wait ({@code FLOW_CONTROL_LAG})
 * @param holding whether new writes wait now
 * @param writesHeld how many writes have waited since this node started
 * @param heldMillis how long they waited in total
 * @param followers each follower as the leader last heard of it
 */
public record FlowControlStatus(long maxLag, boolean holding, long writesHeld, long heldMillis,
        List<Follower> followers) {

    public FlowControlStatus {
        requireNonNull(followers, "followers is null");
        followers = List.copyOf(followers);
    }

    /**
     * @param nodeId the follower's node id
     * @param appliedIndex the highest log index it reported applied
     * @param lag how many entries it is behind the leader's commit index
     * @param waitedFor whether writes wait for it while it is behind (false: it does not answer, stalled, or is
     *     catching up after it came back)
     */
    public record Follower(String nodeId, long appliedIndex, long lag, boolean waitedFor) {
        public Follower {
            requireNonNull(nodeId, "nodeId is null");
        }
    }
}

package io.fluxdb.engine.spi;

/** This node's role in the replication group. */
public enum NodeRole {
    /** Sequences writes; client writes execute here. */
    LEADER,
    /** Applies the leader's entries; forwards client writes to the leader. */
    FOLLOWER,
    /** An election is running; writes wait or fail with a retryable error. */
    CANDIDATE,
    /** Not (yet) part of a group, or the state cannot be determined. */
    UNKNOWN
}

package io.fluxdb.api.internal;

/**
 * The answer of {@code POST /v1/join} and {@code POST /v1/leave}.
 *
 * @param status {@link #MEMBER} (the node is a voting member), {@link #ADDING} (the leader is bringing it up to date
 *     and will make it a voter), {@link #REMOVED}, {@link #REFUSED} (see {@code message}), or {@link #NOT_LEADER}
 *     (ask {@code leaderApi})
 * @param leaderId the leader's node id, if known
 * @param leaderApi the leader's internal API as {@code host:port}, if known
 * @param message why, for people
 */
public record MembershipAnswer(String status, String leaderId, String leaderApi, String message) {
    public static final String MEMBER = "MEMBER";
    public static final String ADDING = "ADDING";
    public static final String REMOVED = "REMOVED";
    public static final String REFUSED = "REFUSED";
    public static final String NOT_LEADER = "NOT_LEADER";
}

package io.fluxdb.api.internal;

/**
 * The body of {@code POST /v1/leave}: the leader is asked to remove a member (the caller itself, or a node that is
 * gone for good).
 *
 * @param nodeId the member's node id
 */
public record LeaveRequest(String nodeId) {
}

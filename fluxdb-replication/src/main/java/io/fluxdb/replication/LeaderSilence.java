package io.fluxdb.replication;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * What a follower knows of its leader: who it is, in which term, and how long ago its last append or heartbeat came.
 *
 * @param leaderId the leader this follower follows
 * @param term the follower's current term
 * @param silence the time since the leader's last request reached this follower
 * @param behind whether another follower has committed an entry beyond this follower's last one (as the leader last
 *     told): such a follower would not vote for this one
 */
public record LeaderSilence(String leaderId, long term, Duration silence, boolean behind) {

    public LeaderSilence {
        requireNonNull(leaderId, "leaderId is null");
        requireNonNull(silence, "silence is null");
    }
}

package io.fluxdb.replication.rpc;

import org.apache.ratis.grpc.server.GrpcLogAppender;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC log appender of Ratis, except that a follower whose log came back shorter than what it acknowledged is
 * sent the entries it lacks instead of heartbeats it can never accept (see {@link ShortLogRecovery}).
 */
final class CatchUpLogAppender extends GrpcLogAppender {
    private static final Logger log = LoggerFactory.getLogger(CatchUpLogAppender.class);

    private final ShortLogRecovery recovery = new ShortLogRecovery();

    CatchUpLogAppender(RaftServer.Division server, LeaderState leaderState, FollowerInfo follower) {
        super(server, leaderState, follower);
    }

    @Override
    protected long getNextIndexForInconsistency(long requestFirstIndex, long replyNextIndex) {
        long matchIndex = getFollower().getMatchIndex();
        synchronized (recovery) {
            if (recovery.resumeBelowMatch(replyNextIndex, matchIndex)) {
                log.warn("{}: {} holds its log only up to index {} although it acknowledged up to {} (its storage "
                        + "lost entries); sending it the log again from index {}", getServer().getId(),
                        getFollower().getId(), replyNextIndex - 1, matchIndex, replyNextIndex);
                return replyNextIndex;
            }
        }
        return super.getNextIndexForInconsistency(requestFirstIndex, replyNextIndex);
    }
}

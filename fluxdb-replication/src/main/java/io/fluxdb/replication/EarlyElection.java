package io.fluxdb.replication;

import java.io.IOException;
import org.apache.ratis.proto.RaftProtos.RaftGroupIdProto;
import org.apache.ratis.proto.RaftProtos.RaftRpcRequestProto;
import org.apache.ratis.proto.RaftProtos.StartLeaderElectionRequestProto;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;

/**
 * Starts an election on this follower now, for a leader that is known to be gone, instead of after the election
 * timeout.
 *
 * <p>Ratis has one way in: the request a leader sends to the peer it hands leadership to (leadership transfer). A
 * follower accepts it from its current leader when the leader's last entry is not ahead of its own, and then stands
 * at once, without a pre-vote. Here the follower hands that request to itself in the name of its gone leader, naming
 * its own last entry. Raft's safety does not depend on when an election starts: the vote still needs a majority whose
 * logs are not ahead of this node's, and a leader that was alive after all steps down on the higher term. The cost of
 * a wrong call is one needless election, which is why the caller only makes it when the leader's ports refuse
 * connections, once per leader and term.
 */
final class EarlyElection {
    private EarlyElection() {
    }

    /**
     * Asks {@code server}'s division of {@code group} to stand in an election now. Returns false when it does not:
     * it is no longer a follower of {@code leader} in {@code term}, or its last entry is from an earlier term (then
     * the request could not name an entry the follower's own log is not behind of, and the election timeout decides).
     */
    static boolean start(RaftServer server, RaftGroupId group, RaftPeerId self, RaftPeerId leader, long term)
            throws IOException {
        RaftServer.Division division = server.getDivision(group);
        TermIndex last = division.getRaftLog().getLastEntryTermIndex();
        if (last == null || last.getTerm() != term || division.getInfo().getCurrentTerm() != term
                || !division.getInfo().isFollower() || !leader.equals(division.getInfo().getLeaderId())) {
            return false;
        }
        StartLeaderElectionRequestProto request = StartLeaderElectionRequestProto.newBuilder()
                .setServerRequest(RaftRpcRequestProto.newBuilder()
                        .setRequestorId(leader.toByteString())
                        .setReplyId(self.toByteString())
                        .setRaftGroupId(RaftGroupIdProto.newBuilder().setId(group.toByteString())))
                .setLeaderLastEntry(last.toProto())
                .build();
        return server.startLeaderElection(request).getServerReply().getSuccess();
    }
}

package io.fluxdb.replication.rpc;

import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;

/** Ratis over gRPC (with the TLS and services set in the parameters), with FluxDB's {@link CatchUpLogAppender}. */
final class FluxGrpcFactory extends GrpcFactory {
    FluxGrpcFactory(Parameters parameters) {
        super(parameters);
    }

    @Override
    public LogAppender newLogAppender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
        return new CatchUpLogAppender(server, state, follower);
    }
}

package io.fluxdb.replication.rpc;

import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;

/**
 * The RPC type FluxDB gives Ratis: gRPC as Ratis ships it, with a log appender that brings back a follower whose log
 * came back shorter than it acknowledged. Ratis finds it by class name in its properties, hence the public
 * constructor.
 */
public final class FluxRpcType implements RpcType {

    /** Makes {@code properties} use this RPC type. */
    public static void applyTo(RaftProperties properties) {
        RaftConfigKeys.Rpc.setType(properties, new FluxRpcType());
    }

    @Override
    public String name() {
        return FluxRpcType.class.getName();
    }

    @Override
    public RpcFactory newFactory(Parameters parameters) {
        return new FluxGrpcFactory(parameters);
    }
}

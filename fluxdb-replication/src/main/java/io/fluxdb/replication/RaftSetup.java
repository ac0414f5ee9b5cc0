package io.fluxdb.replication;

import io.fluxdb.replication.rpc.FluxRpcType;
import io.fluxdb.replication.security.RaftTls;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/** The Ratis group, properties and parameters of a node, all in one place. */
final class RaftSetup {
    /** Room for the log's own fields around an entry's content (term, index, client and call ids). */
    private static final int ENTRY_OVERHEAD = 64 << 10;

    private RaftSetup() {
    }

    /**
     * The initial group, identical on every node: members sorted by id. A node that is to join a running cluster
     * starts with no members at all (Ratis accepts a group without this node only when it is empty): it waits, neither
     * voting nor standing, until the leader's log tells it the configuration.
     */
    static RaftGroup group(RaftClusterConfig config, RaftGroupId groupId, boolean joining) {
        if (joining) {
            return RaftGroup.valueOf(groupId);
        }
        List<RaftPeer> peers = config.members().stream()
                .sorted(Comparator.comparing(RaftMember::id))
                .map(m -> RaftPeer.newBuilder().setId(m.id()).setAddress(m.raftHostPort()).build())
                .toList();
        return RaftGroup.valueOf(groupId, peers);
    }

    static RaftProperties properties(RaftClusterConfig config) {
        RaftTuning tuning = config.tuning();
        RaftProperties properties = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(properties, List.of(config.storageDirectory().toFile()));
        FluxRpcType.applyTo(properties);
        GrpcConfigKeys.Server.setHost(properties, config.bindAddress().getHostString());
        GrpcConfigKeys.Server.setPort(properties, config.bindAddress().getPort());

        RaftServerConfigKeys.Rpc.setTimeoutMin(properties, millis(tuning.electionTimeoutMin().toMillis()));
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties, millis(tuning.electionTimeoutMax().toMillis()));

        // a follower asks the leader for the read index; the leader confirms it with a majority
        RaftServerConfigKeys.Read.setOption(properties, RaftServerConfigKeys.Read.Option.LINEARIZABLE);

        // Snapshots record the engine's applied watermark every snapshotInterval entries; the log is then purged up to
        // it, whatever the other members hold (a member down for long must not make the disk fill up), keeping the
        // last snapshotInterval entries so that a member a little behind still catches up from the log. A member that
        // needs a purged entry is told to install a snapshot (notification only: it fetches an engine dump from a peer
        // over the internal API, see FluxStateMachine.notifyInstallSnapshotFromLeader).
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties, tuning.snapshotInterval());
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(properties, true);
        RaftServerConfigKeys.Log.setPurgePreservationLogNum(properties, tuning.snapshotInterval());
        RaftServerConfigKeys.Log.setPurgeGap(properties, (int) Math.min(Integer.MAX_VALUE, tuning.snapshotInterval()));
        RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(properties, false);

        // Commit latency: by default a leader appends a metadata entry (the new commit index) to its log after every
        // commit, which every node writes and fsyncs as well: a second round to the followers for each entry, with
        // the next entry queued behind it. It only lets a restarted node apply its committed entries before it hears
        // from a leader; FluxDB does not need that (a node applies what the leader of the new term commits, and an
        // entry is still on a majority's disk before it commits). Appending without a minimum gap between two
        // appendEntries sends an entry that follows a heartbeat or another entry at once.
        RaftServerConfigKeys.Log.setLogMetadataEnabled(properties, false);
        RaftServerConfigKeys.Log.Appender.setWaitTimeMin(properties, TimeDuration.ZERO);

        int entryLimit = tuning.maxEntryBytes() + ENTRY_OVERHEAD;
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(properties, SizeInBytes.valueOf(entryLimit));
        RaftServerConfigKeys.Log.setWriteBufferSize(properties, SizeInBytes.valueOf(entryLimit + 8));
        // a segment holds at least two of the largest entries; purging frees whole segments
        RaftServerConfigKeys.Log.setSegmentSizeMax(properties,
                SizeInBytes.valueOf(Math.max(1L << 20, 2L * entryLimit)));
        GrpcConfigKeys.setMessageSizeMax(properties, SizeInBytes.valueOf(Math.max(64 << 20, entryLimit + (1 << 20))));
        return properties;
    }

    static Parameters parameters(RaftTls tls) {
        Parameters parameters = new Parameters();
        tls.applyTo(parameters);
        return parameters;
    }

    private static TimeDuration millis(long value) {
        return TimeDuration.valueOf(value, TimeUnit.MILLISECONDS);
    }
}

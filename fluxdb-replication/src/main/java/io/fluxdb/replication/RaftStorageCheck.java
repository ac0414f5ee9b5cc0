package io.fluxdb.replication;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.storage.RaftStorage;

/** Decides how Ratis opens the storage directory, and refuses one that holds another cluster's log. */
final class RaftStorageCheck {

    /** How to start: format a new log or recover the existing one. */
    record Startup(RaftStorage.StartupOption option) {
        boolean formatted() {
            return option == RaftStorage.StartupOption.FORMAT;
        }
    }

    private RaftStorageCheck() {
    }

    static Startup check(Path storage, RaftGroupId groupId) throws IOException {
        Files.createDirectories(storage);
        String ours = groupId.getUuid().toString();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(storage, Files::isDirectory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.equals(ours) && isUuid(name)) {
                    throw new IllegalStateException("storage directory " + storage + " holds the Raft log of another "
                            + "cluster (group " + name + "; this node's secret gives group " + ours + "): was "
                            + "CLUSTER_SECRET changed? Move that directory away to start this node afresh");
                }
            }
        }
        return new Startup(Files.isDirectory(storage.resolve(ours))
                ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT);
    }

    private static boolean isUuid(String name) {
        try {
            return UUID.fromString(name).toString().equals(name);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}

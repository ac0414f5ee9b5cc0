package io.fluxdb.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.storage.RaftStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaftStorageCheckTest {
    private static final RaftGroupId GROUP = RaftGroupId.valueOf(UUID.fromString("6b3b1a2c-0000-8000-8000-000000000001"));

    @TempDir
    Path directory;

    @Test
    void aNewDirectoryIsFormattedAndAnExistingGroupRecovered() throws Exception {
        Path storage = directory.resolve("raft");
        assertThat(RaftStorageCheck.check(storage, GROUP).option()).isEqualTo(RaftStorage.StartupOption.FORMAT);
        Files.createDirectories(storage.resolve(GROUP.getUuid().toString()));
        Files.createDirectories(storage.resolve("not-a-group"));
        assertThat(RaftStorageCheck.check(storage, GROUP).option()).isEqualTo(RaftStorage.StartupOption.RECOVER);
    }

    @Test
    void theLogOfAnotherClusterIsRefused() throws Exception {
        String other = "0e7c5f3a-1111-8000-8000-000000000002";
        Files.createDirectories(directory.resolve(other));
        assertThatThrownBy(() -> RaftStorageCheck.check(directory, GROUP))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("holds the Raft log of another cluster (group " + other)
                .hasMessageContaining("was CLUSTER_SECRET changed?");
    }
}

package io.fluxdb.replication.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaftLogFilesTest {
    @TempDir
    Path current;

    @Test
    void theLogStartsAtItsOldestSegmentAndDeletingLeavesTermVoteAndConfiguration() throws Exception {
        for (String name : new String[] {"log_150-199", "log_200-260", "log_inprogress_261", "raft-meta",
                "raft-meta.conf", "in_use.lock"}) {
            Files.writeString(current.resolve(name), name);
        }
        assertThat(RaftLogFiles.startIndex(current)).hasValue(150);

        assertThat(RaftLogFiles.deleteSegments(current)).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("log_150-199", "log_200-260", "log_inprogress_261");
        assertThat(RaftLogFiles.startIndex(current)).isEmpty();
        try (var left = Files.list(current)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("raft-meta", "raft-meta.conf", "in_use.lock");
        }
    }

    @Test
    void aLogNeverPurgedStartsAtZeroAndAMissingDirectoryHasNoSegments() throws Exception {
        Files.writeString(current.resolve("log_inprogress_0"), "");
        assertThat(RaftLogFiles.startIndex(current)).hasValue(0);
        assertThat(RaftLogFiles.startIndex(current.resolve("absent"))).isEmpty();
    }
}

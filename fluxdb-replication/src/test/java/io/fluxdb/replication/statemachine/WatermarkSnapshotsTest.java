package io.fluxdb.replication.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatermarkSnapshotsTest {
    @TempDir
    Path directory;

    @Test
    void theLatestValidWatermarkIsFoundAgainAfterARestart() throws Exception {
        WatermarkSnapshots snapshots = new WatermarkSnapshots();
        snapshots.open(directory);
        assertThat(snapshots.getLatestSnapshot()).isNull();
        snapshots.write(2, 40);
        snapshots.write(3, 80);
        snapshots.write(3, 60); // older than the latest: ignored
        assertThat(snapshots.getLatestSnapshot().getTermIndex().getIndex()).isEqualTo(80);

        WatermarkSnapshots reopened = new WatermarkSnapshots();
        reopened.open(directory);
        assertThat(reopened.getLatestSnapshot().getTerm()).isEqualTo(3);
        assertThat(reopened.getLatestSnapshot().getIndex()).isEqualTo(80);
    }

    @Test
    void aDamagedFileIsPassedOverForAnOlderOne() throws Exception {
        WatermarkSnapshots snapshots = new WatermarkSnapshots();
        snapshots.open(directory);
        snapshots.write(1, 10);
        snapshots.write(1, 20);
        Path newest = directory.resolve("applied-watermark.1_20");
        byte[] bytes = Files.readAllBytes(newest);
        bytes[bytes.length - 1] ^= 1;
        Files.write(newest, bytes);
        Files.writeString(directory.resolve("applied-watermark.1_30"), "not a snapshot");

        WatermarkSnapshots reopened = new WatermarkSnapshots();
        reopened.open(directory);
        assertThat(reopened.getLatestSnapshot().getIndex()).isEqualTo(10);
    }

    @Test
    void cleanupKeepsTheTwoNewest() throws Exception {
        WatermarkSnapshots snapshots = new WatermarkSnapshots();
        snapshots.open(directory);
        for (long index = 10; index <= 50; index += 10) {
            snapshots.write(1, index);
        }
        snapshots.cleanupOldSnapshots(null);
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("applied-watermark.1_40", "applied-watermark.1_50");
        }
    }
}

package io.fluxdb.replication.statemachine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log's snapshots, which hold no data: the engine is the state, and records every applied index with it. A
 * snapshot only records the applied watermark (term and index), so that after a restart the log resumes after it
 * instead of handing every entry since index 0 to the engine again.
 *
 * <p>One small file per snapshot, {@code applied-watermark.<term>_<index>}: 4 bytes {@code FXWM}, a version byte
 * (1), the term and the index (8 bytes each, big-endian), and a CRC32C of the preceding bytes. Written to a
 * temporary file, forced to disk and renamed, so a crash leaves either the old or the new file.
 */
final class WatermarkSnapshots implements StateMachineStorage {
    private static final Logger log = LoggerFactory.getLogger(WatermarkSnapshots.class);
    private static final Pattern NAME = Pattern.compile("applied-watermark\\.(\\d+)_(\\d+)");
    private static final int MAGIC = 0x4658_574D; // "FXWM"
    private static final int VERSION = 1;
    private static final int SIZE = 4 + 1 + 8 + 8 + 4;
    private static final int RETAINED = 2;

    private volatile Path dir;
    private volatile SnapshotInfo latest;

    @Override
    public void init(RaftStorage storage) throws IOException {
        open(storage.getStorageDir().getStateMachineDir().toPath());
    }

    /** Uses {@code directory} for the snapshot files and reads the latest valid one. */
    void open(Path directory) throws IOException {
        dir = directory;
        Files.createDirectories(dir);
        latest = findLatest().orElse(null);
    }

    /** Where the snapshot files are; valid after {@link #init}. */
    Path directory() {
        return dir;
    }

    @Override
    public SnapshotInfo getLatestSnapshot() {
        return latest;
    }

    @Override
    public void format() {
        // a new storage directory has no snapshots; nothing to prepare
    }

    /** Records the watermark as the latest snapshot, unless one at that index or later exists already. */
    void write(long term, long index) throws IOException {
        SnapshotInfo current = latest;
        if (current != null && current.getIndex() >= index) {
            return;
        }
        ByteBuffer content = ByteBuffer.allocate(SIZE);
        content.putInt(MAGIC).put((byte) VERSION).putLong(term).putLong(index);
        CRC32C crc = new CRC32C();
        crc.update(content.array(), 0, SIZE - 4);
        content.putInt((int) crc.getValue()).flip();
        Path file = dir.resolve("applied-watermark." + term + "_" + index);
        Path temporary = dir.resolve(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            while (content.hasRemaining()) {
                channel.write(content);
            }
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        forceDirectory();
        latest = info(file, term, index);
    }

    @Override
    public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) throws IOException {
        List<Candidate> all = candidates();
        all.sort(Comparator.comparingLong(Candidate::index).reversed());
        for (Candidate old : all.subList(Math.min(RETAINED, all.size()), all.size())) {
            Files.deleteIfExists(old.path());
        }
    }

    /** Deletes every snapshot file: they record what an engine no longer holds. */
    void deleteAll() throws IOException {
        for (Candidate candidate : candidates()) {
            Files.deleteIfExists(candidate.path());
        }
        latest = null;
    }

    private Optional<SnapshotInfo> findLatest() throws IOException {
        List<Candidate> all = candidates();
        all.sort(Comparator.comparingLong(Candidate::index).reversed());
        for (Candidate candidate : all) {
            if (valid(candidate)) {
                return Optional.of(info(candidate.path(), candidate.term(), candidate.index()));
            }
            log.warn("snapshot {} - unreadable or damaged; using an older one", candidate.path());
        }
        return Optional.empty();
    }

    private boolean valid(Candidate candidate) throws IOException {
        byte[] bytes = Files.readAllBytes(candidate.path());
        if (bytes.length != SIZE) {
            return false;
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, SIZE - 4);
        return in.getInt() == MAGIC && in.get() == VERSION && in.getLong() == candidate.term()
                && in.getLong() == candidate.index() && in.getInt() == (int) crc.getValue();
    }

    private List<Candidate> candidates() throws IOException {
        List<Candidate> found = new ArrayList<>();
        if (dir == null) {
            return found;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                Matcher m = NAME.matcher(file.getFileName().toString());
                if (m.matches()) {
                    found.add(new Candidate(file, Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
                }
            }
        }
        return found;
    }

    private void forceDirectory() {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some file systems cannot open a directory for reading; the rename is then as durable as they make it
            log.debug("snapshot - could not force directory {}: {}", dir, e.toString());
        }
    }

    private static SnapshotInfo info(Path file, long term, long index) {
        return new FileListSnapshotInfo(List.of(new FileInfo(file, null)), term, index);
    }

    private record Candidate(Path path, long term, long index) {
    }
}

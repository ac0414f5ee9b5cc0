package io.fluxdb.replication.statemachine;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The log segment files Ratis keeps in a storage directory's {@code current/}: {@code log_<start>-<end>} for closed
 * segments and {@code log_inprogress_<start>} for the open one. Read before Ratis opens the log, to tell whether the
 * log still begins where an engine that lost data would have to resume.
 */
final class RaftLogFiles {
    private static final Pattern SEGMENT = Pattern.compile("log_(?:inprogress_)?(\\d+)(?:-\\d+)?");

    private RaftLogFiles() {
    }

    /** The first index the segments in {@code current} hold, or empty when there are none. */
    static OptionalLong startIndex(Path current) throws IOException {
        OptionalLong start = OptionalLong.empty();
        for (Path segment : segments(current)) {
            Matcher m = SEGMENT.matcher(segment.getFileName().toString());
            if (m.matches()) {
                long first = Long.parseLong(m.group(1));
                start = OptionalLong.of(start.isPresent() ? Math.min(start.getAsLong(), first) : first);
            }
        }
        return start;
    }

    /** Deletes every segment file in {@code current}; the term, vote and configuration files stay. */
    static List<Path> deleteSegments(Path current) throws IOException {
        List<Path> deleted = segments(current);
        for (Path segment : deleted) {
            Files.delete(segment);
        }
        return deleted;
    }

    private static List<Path> segments(Path current) throws IOException {
        List<Path> segments = new ArrayList<>();
        if (!Files.isDirectory(current)) {
            return segments;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(current)) {
            for (Path file : files) {
                if (SEGMENT.matcher(file.getFileName().toString()).matches()) {
                    segments.add(file);
                }
            }
        }
        return segments;
    }
}

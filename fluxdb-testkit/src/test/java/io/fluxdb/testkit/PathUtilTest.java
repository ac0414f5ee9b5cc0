package io.fluxdb.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PathUtilTest {

    @TempDir
    Path dir;

    @Test
    void tailReturnsLastLines() throws IOException {
        Path log = Files.writeString(dir.resolve("log"), "a\nb\nc\nd\n");

        assertThat(PathUtil.tail(log, 2)).isEqualTo("c\nd");
        assertThat(PathUtil.tail(log, 10)).isEqualTo("a\nb\nc\nd");
        assertThat(PathUtil.tail(log, 0)).isEmpty();
        assertThat(PathUtil.tail(dir.resolve("missing"), 3)).isEmpty();
    }

    @Test
    void tailOfLargeFileDropsTheCutLine() throws IOException {
        String text = IntStream.range(0, 20_000).mapToObj(i -> "line " + i).collect(Collectors.joining("\n"));
        Path log = Files.writeString(dir.resolve("big"), text);

        assertThat(PathUtil.tail(log, 2)).isEqualTo("line 19998\nline 19999");
        assertThat(PathUtil.tail(log, 100_000).lines().findFirst().orElseThrow()).startsWith("line ");
    }

    @Test
    void readFromReturnsOnlyNewText() throws IOException {
        Path log = Files.writeString(dir.resolve("log"), "old\n");
        long offset = PathUtil.size(log);
        Files.writeString(log, "old\nnew\n");

        assertThat(PathUtil.readFrom(log, offset)).isEqualTo("new\n");
        assertThat(PathUtil.size(dir.resolve("missing"))).isZero();
    }

    @Test
    void deleteRecursivelyDoesNotFollowLinks() throws IOException {
        Path keep = Files.writeString(Files.createDirectory(dir.resolve("keep")).resolve("file"), "x");
        Path tree = Files.createDirectories(dir.resolve("tree/sub"));
        Files.writeString(tree.resolve("f"), "y");
        Files.createSymbolicLink(dir.resolve("tree/link"), keep.getParent());

        PathUtil.deleteRecursively(dir.resolve("tree"));
        PathUtil.deleteRecursively(dir.resolve("tree")); // already gone

        assertThat(dir.resolve("tree")).doesNotExist();
        assertThat(keep).exists();
    }
}

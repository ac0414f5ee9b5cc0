package io.fluxdb.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.server.Main;
import io.fluxdb.server.config.ConfigException;
import io.fluxdb.server.config.DevConfig;
import io.fluxdb.server.config.HostPort;
import io.fluxdb.server.config.LogLevel;
import io.fluxdb.server.config.NodeConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DevCommandTest {
    @TempDir
    Path dir;

    static DevConfig parse(String... args) {
        List<String> all = new ArrayList<>(List.of("dev"));
        all.addAll(List.of(args));
        CommandLine.ParseResult result = Main.commandLine(Map.of()).parseArgs(all.toArray(String[]::new));
        return ((DevCommand) result.subcommand().commandSpec().userObject()).toDevConfig();
    }

    static List<String> problems(String... args) {
        try {
            parse(args);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected a ConfigException");
    }

    @Test
    void oneNodeByDefault() {
        DevConfig dev = parse();
        assertThat(dev.dataDir()).isEqualTo(Path.of("fluxdb-dev"));
        assertThat(dev.engineBinaries()).isEmpty();
        assertThat(dev.nodes()).hasSize(1);
        NodeConfig node = dev.nodes().getFirst();
        assertThat(node.listen().clientPort()).isEqualTo(3307);
        assertThat(node.listen().bindAddress().isLoopbackAddress()).isTrue();
        assertThat(node.cluster().peers()).isEmpty();
        assertThat(node.cluster().secret()).isEmpty();
        assertThat(node.cluster().bootstrapExpect()).isEqualTo(OptionalInt.of(1));
        assertThat(node.dataDir()).isEqualTo(Path.of("fluxdb-dev", "node-1"));
        assertThat(node.engine().endpoint().port()).isEqualTo(3707);
        assertThat(node.logLevel()).isEqualTo(LogLevel.INFO);
        assertThat(node.proxy().localInfile()).isFalse();
    }

    @Test
    void localInfileIsOfferedOnEveryNodeWhenAskedFor() {
        assertThat(parse("--nodes", "3", "--local-infile").nodes()).allSatisfy(
                node -> assertThat(node.proxy().localInfile()).isTrue());
        assertThat(parse("--local-infile=false").nodes().getFirst().proxy().localInfile()).isFalse();
    }

    @Test
    void threeNodesGetOffsetPortsAndKnowEachOther() {
        DevConfig dev = parse("--nodes", "3", "--base-port", "4000", "--data-dir", dir.toString(),
                "--engine-binaries", dir.toString(), "--log-level", "debug");
        assertThat(dev.engineBinaries()).contains(dir);
        assertThat(dev.nodes()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            NodeConfig node = dev.nodes().get(i);
            assertThat(node.listen().clientPort()).isEqualTo(4000 + i);
            assertThat(node.listen().apiListenPort()).isEqualTo(4100 + i);
            assertThat(node.listen().apiAdvertisedPort()).isEqualTo(4100 + i);
            assertThat(node.listen().raftPort()).isEqualTo(4200 + i);
            assertThat(node.listen().uiPort()).isEqualTo(4300 + i);
            assertThat(node.engine().endpoint()).isEqualTo(new HostPort(node.listen().bindAddress().getHostAddress(), 4400 + i));
            assertThat(node.dataDir()).isEqualTo(dir.resolve("node-" + (i + 1)));
            assertThat(node.cluster().peers()).hasSize(2).extracting(HostPort::port).doesNotContain(4100 + i);
            assertThat(node.cluster().bootstrapExpect()).isEqualTo(OptionalInt.of(3));
            assertThat(node.cluster().secret()).isPresent().isEqualTo(dev.nodes().getFirst().cluster().secret());
            assertThat(node.logLevel()).isEqualTo(LogLevel.DEBUG);
        }
    }

    @Test
    void invalidOptionsAreAllReported() {
        assertThat(problems("--nodes", "12", "--base-port", "65500", "--engine-binaries", dir.resolve("none").toString(),
                "--log-level", "loud")).containsExactly(
                "--nodes: 12 is out of range (expected 1 to 9)",
                "--base-port: 65500 leaves no room for 12 node(s) (expected 1 to 65124)",
                "--engine-binaries: " + dir.resolve("none") + " is not a directory",
                "--log-level: 'loud' is not one of trace, debug, info, warn, error");
        assertThat(problems("--nodes", "0")).containsExactly("--nodes: 0 is out of range (expected 1 to 9)");
    }

    @Test
    void executeHandsTheClusterToTheLauncherOrExitsWithTwo() {
        AtomicReference<DevConfig> launched = new AtomicReference<>();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(Map.of(), config -> 1, config -> {
            launched.set(config);
            return 0;
        });
        cl.setErr(new PrintWriter(err, true));
        assertThat(cl.execute("dev", "--nodes", "3")).isZero();
        assertThat(launched.get().nodes()).hasSize(3);
        assertThat(cl.execute("dev", "--nodes", "10")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("--nodes: 10 is out of range (expected 1 to 9)" + System.lineSeparator());
        assertThat(cl.execute("dev", "--nodes", "three")).isEqualTo(2);
    }

    @Test
    void defaultLauncherPrintsEveryNodeWithoutTheSecret() {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine(Map.of());
        cl.setOut(new PrintWriter(out, true));
        assertThat(cl.execute("dev", "--nodes", "3")).isZero();
        assertThat(out.toString()).contains("# node 1", "# node 3", "EXT_DB_PORT=3309", "CLUSTER_SECRET=(hidden)");
    }
}

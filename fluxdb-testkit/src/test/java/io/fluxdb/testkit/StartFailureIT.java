package io.fluxdb.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartFailureIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @Test
    void invalidOptionOnNewDataDirectoryFailsWithLogTail() {
        long begin = System.nanoTime();

        assertThatThrownBy(() -> MariaDbProcess.builder().option("no_such_option_xyz", "1")
                .startupTimeout(DEADLINE).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("last lines of")
                .hasMessageContaining("no_such_option_xyz");

        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(DEADLINE);
    }

    @Test
    void invalidOptionOnExistingDataDirectoryFailsWithErrorLogTail(@TempDir Path dir) {
        Path home = dir.resolve("engine");
        MariaDbProcess.builder().persistentDirectory(home).start().close();
        long begin = System.nanoTime();

        assertThatThrownBy(() -> MariaDbProcess.builder().persistentDirectory(home)
                .option("no_such_option_xyz", "1").startupTimeout(DEADLINE).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("mariadbd exited")
                .hasMessageContaining("last lines of " + home.resolve("error.log"))
                .hasMessageContaining("unknown variable 'no_such_option_xyz=1'");

        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(DEADLINE);
    }

    @Test
    void missingBinariesFailWithFix(@TempDir Path dir) {
        assertThatThrownBy(() -> MariaDbProcess.builder().binaries(MariaDbBinaries.directory(dir)).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No MariaDB in " + dir);
    }
}

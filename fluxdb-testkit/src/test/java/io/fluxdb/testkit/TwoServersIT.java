package io.fluxdb.testkit;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Two servers at once from the binaries that {@link MariaDbBinaries#locate()} picks (a system one if present). */
class TwoServersIT {

    @Test
    void runSideBySide() throws SQLException {
        TwoServersScenario.run(MariaDbBinaries.locate());
    }
}

package io.fluxdb.engine.mysql.apply;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An engine that hands out auto-increment values replay cannot reproduce is refused at start, with the fix. */
class EngineRequirementsIT {
    @RegisterExtension
    static final MariaDbExtension DB = new MariaDbExtension(b -> b.option("innodb_autoinc_lock_mode", "2"));

    @Test
    void interleavedAutoIncrementLockModeIsRefused(MariaDbProcess db) {
        assertThatThrownBy(() -> ApplyTesting.engine(db, Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("innodb_autoinc_lock_mode = 2")
                .hasMessageContaining("set innodb_autoinc_lock_mode = 1");
    }
}

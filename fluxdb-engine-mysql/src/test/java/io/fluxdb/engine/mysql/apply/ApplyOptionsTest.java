package io.fluxdb.engine.mysql.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApplyOptionsTest {

    @Test
    void defaultsWhenUnset() {
        assertThat(ApplyOptions.from(Map.of())).isEqualTo(ApplyOptions.defaults());
        assertThat(ApplyOptions.defaults().connections()).isEqualTo(17);
        assertThat(ApplyOptions.defaults().parallelLockWait()).as("a lock wait gives up at once").isZero();
    }

    @Test
    void readsEachOption() {
        ApplyOptions o = ApplyOptions.from(Map.of("apply-connections", "4", "apply-lock-wait-timeout", "PT2S",
                "apply-prune-interval", "100", "apply-xa-wait", "PT0.5S"));

        assertThat(o).isEqualTo(new ApplyOptions(4, Duration.ofSeconds(2), 100, Duration.ofMillis(500)));
    }

    @Test
    void refusesBadValuesWithTheOptionName() {
        assertThatThrownBy(() -> ApplyOptions.from(Map.of("apply-connections", "0")))
                .hasMessageContaining("apply-connections: 0");
        assertThatThrownBy(() -> ApplyOptions.from(Map.of("apply-connections", "many")))
                .hasMessageContaining("apply-connections: 'many'");
        assertThatThrownBy(() -> ApplyOptions.from(Map.of("apply-lock-wait-timeout", "PT0.5S")))
                .hasMessageContaining("whole seconds");
        assertThatThrownBy(() -> ApplyOptions.from(Map.of("apply-lock-wait-timeout", "-PT1S")))
                .hasMessageContaining("at least PT0S");
        assertThatThrownBy(() -> ApplyOptions.from(Map.of("apply-xa-wait", "soon")))
                .hasMessageContaining("ISO-8601");
    }
}

package io.fluxdb.engine.mysql.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class InsertPoolTest {
    @Test
    void loadsOnTwoConnectionsOrHalfTheEngineProcessorsUpToFour() {
        assertThat(InsertPool.forProcessors(OptionalInt.of(1))).isEqualTo(2);
        assertThat(InsertPool.forProcessors(OptionalInt.of(2))).isEqualTo(2);
        assertThat(InsertPool.forProcessors(OptionalInt.of(4))).isEqualTo(2);
        assertThat(InsertPool.forProcessors(OptionalInt.of(6))).isEqualTo(3);
        assertThat(InsertPool.forProcessors(OptionalInt.of(64))).isEqualTo(4);
        assertThat(InsertPool.forProcessors(OptionalInt.of(0))).isEqualTo(2);
        assertThat(InsertPool.forProcessors(OptionalInt.empty())).isEqualTo(2);
    }
}

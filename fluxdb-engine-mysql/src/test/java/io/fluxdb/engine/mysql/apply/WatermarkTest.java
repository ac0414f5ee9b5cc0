package io.fluxdb.engine.mysql.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class WatermarkTest {

    @Test
    void advancesOnlyOverContiguousIndexes() {
        Watermark w = new Watermark();

        assertThat(w.add(1)).isEqualTo(1);
        assertThat(w.add(3)).isEqualTo(1);
        assertThat(w.add(5)).isEqualTo(1);
        assertThat(w.pending()).isEqualTo(2);
        assertThat(w.add(2)).isEqualTo(3);
        assertThat(w.add(4)).isEqualTo(5);
        assertThat(w.pending()).isZero();
    }

    @Test
    void ignoresIndexesAtOrBelowIt() {
        Watermark w = new Watermark();
        w.reset(10, List.of());

        assertThat(w.add(7)).isEqualTo(10);
        assertThat(w.add(10)).isEqualTo(10);
        assertThat(w.pending()).isZero();
        assertThat(w.add(11)).isEqualTo(11);
    }

    @Test
    void resetStartsFromTheFloorAndTheRecordedRows() {
        Watermark w = new Watermark();
        w.add(1);
        w.reset(100, List.of(101L, 102L, 104L));

        assertThat(w.value()).isEqualTo(102);
        assertThat(w.pending()).isEqualTo(1);
        assertThat(w.add(103)).isEqualTo(104);
    }

    @Test
    void raisingPassesIndexesThatNeverComeAndJoinsTheOnesAbove() {
        Watermark w = new Watermark();
        w.add(1);
        w.add(3);
        w.add(5);
        assertThat(w.value()).isEqualTo(1);
        assertThat(w.highest()).isEqualTo(5);

        assertThat(w.raiseTo(2)).as("2 had nothing for the engine; 3 was waiting above it").isEqualTo(3);
        assertThat(w.raiseTo(1)).as("never lowered").isEqualTo(3);
        w.add(6);
        assertThat(w.value()).isEqualTo(3);
        assertThat(w.raiseTo(4)).isEqualTo(6);
        assertThat(w.highest()).isEqualTo(6);
        assertThat(w.pending()).isZero();
    }
}

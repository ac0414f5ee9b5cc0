package io.fluxdb.engine.mysql.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.spi.ReplayHints;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class StatementReplayTest {

    @Test
    void pinsTheClockWithMicroseconds() {
        assertThat(StatementReplay.hintAssignments(ReplayHints.NONE, 1_700_000_000_000_042L, true, false))
                .isEqualTo("timestamp = 1700000000.000042");
        assertThat(Sql.seconds(0)).isEqualTo("0.000000");
    }

    @Test
    void setsEveryHintInOneStatement() {
        ReplayHints hints = new ReplayHints(OptionalLong.of(-1L), OptionalLong.of(7), Optional.of(
                new ReplayHints.RandSeed(11, 22)), OptionalLong.empty(), Map.of());

        assertThat(StatementReplay.hintAssignments(hints, 1_000_000, true, false))
                .isEqualTo("timestamp = 1.000000, insert_id = 18446744073709551615, last_insert_id = 7,"
                        + " rand_seed1 = 11, rand_seed2 = 22");
    }

    @Test
    void skipsAnUnchangedClockAndClearsAnInsertIdAnEarlierStatementMayHaveLeft() {
        assertThat(StatementReplay.hintAssignments(ReplayHints.NONE, 5, false, false)).isEmpty();
        assertThat(StatementReplay.hintAssignments(ReplayHints.NONE, 5, false, true)).isEqualTo("insert_id = 0");
    }
}

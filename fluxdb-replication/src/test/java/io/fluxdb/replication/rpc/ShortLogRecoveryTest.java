package io.fluxdb.replication.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ShortLogRecoveryTest {

    @Test
    void aHintAboveTheMatchIndexIsLeftToRatis() {
        ShortLogRecovery recovery = new ShortLogRecovery();
        assertThat(recovery.resumeBelowMatch(1_754, 1_753)).isFalse();
        assertThat(recovery.resumeBelowMatch(1_754, 1_753)).isFalse();
    }

    @Test
    void oneShortHintMayBeStaleButTheSameHintTwiceInARowIsAShortLog() {
        ShortLogRecovery recovery = new ShortLogRecovery();
        assertThat(recovery.resumeBelowMatch(1_538, 1_753)).as("first answer: maybe a late reply").isFalse();
        assertThat(recovery.resumeBelowMatch(1_538, 1_753)).as("repeated: the log is short").isTrue();
    }

    @Test
    void aDifferentHintStartsCountingAgain() {
        ShortLogRecovery recovery = new ShortLogRecovery();
        recovery.resumeBelowMatch(1_538, 1_753);
        assertThat(recovery.resumeBelowMatch(1_600, 1_753)).isFalse();
        assertThat(recovery.resumeBelowMatch(1_754, 1_753)).isFalse();
        assertThat(recovery.resumeBelowMatch(1_600, 1_753)).as("a hint above the match index in between").isFalse();
        assertThat(recovery.resumeBelowMatch(0, 1_753)).isFalse();
        assertThat(recovery.resumeBelowMatch(0, 1_753)).as("an emptied log").isTrue();
    }
}

package io.fluxdb.replication.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ShortLogRecoveryTest {
    private final AtomicLong now = new AtomicLong();
    private final ShortLogRecovery recovery = new ShortLogRecovery(now::get);

    @Test
    void aHintAboveTheMatchIndexIsLeftToRatis() {
        assertThat(recovery.resumeBelowMatch(1_754, 1_753)).isFalse();
        assertThat(recovery.resumeBelowMatch(1_754, 1_753)).isFalse();
    }

    @Test
    void oneShortHintMayBeStaleButTheSameHintTwiceInARowIsAShortLog() {
        assertThat(recovery.resumeBelowMatch(1_538, 1_753)).as("first answer: maybe a late reply").isFalse();
        assertThat(recovery.resumeBelowMatch(1_538, 1_753)).as("repeated: the log is short").isTrue();
    }

    @Test
    void aDifferentHintStartsCountingAgain() {
        recovery.resumeBelowMatch(1_538, 1_753);
        assertThat(recovery.resumeBelowMatch(1_600, 1_753)).isFalse();
        assertThat(recovery.resumeBelowMatch(1_754, 1_753)).isFalse();
        assertThat(recovery.resumeBelowMatch(1_600, 1_753)).as("a hint above the match index in between").isFalse();
        assertThat(recovery.resumeBelowMatch(0, 1_753)).isFalse();
        assertThat(recovery.resumeBelowMatch(0, 1_753)).as("an emptied log").isTrue();
    }

    @Test
    void theSameHintResetsAgainOnlyAfterAWhileAsAFollowerLoadingASnapshotKeepsGivingIt() {
        recovery.resumeBelowMatch(0, 201);
        assertThat(recovery.resumeBelowMatch(0, 201)).isTrue();
        for (int i = 0; i < 100; i++) {
            assertThat(recovery.resumeBelowMatch(0, 201)).as("answer %d while it loads", i).isFalse();
        }
        now.addAndGet(ShortLogRecovery.AGAIN_AFTER.toNanos());
        assertThat(recovery.resumeBelowMatch(0, 201)).isTrue();
        assertThat(recovery.resumeBelowMatch(0, 201)).isFalse();
    }
}

package io.fluxdb.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.protocol.ProtocolException;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class SequenceTrackerTest {

    @Test
    void replyUsesLastIdPlusOneAndResetsAtEachCommand() {
        SequenceTracker t = new SequenceTracker();
        t.received(new Packet(0, Unpooled.EMPTY_BUFFER));
        assertThat(t.next()).isEqualTo(1);
        assertThat(t.next()).isEqualTo(2);
        t.reset();
        t.received(new Packet(0, Unpooled.EMPTY_BUFFER));
        assertThat(t.next()).isEqualTo(1);
    }

    @Test
    void followsTheLastIdOfASplitPacketAndWraps() {
        SequenceTracker t = new SequenceTracker();
        t.startCommand();
        t.received(new Packet(1, 255, Unpooled.EMPTY_BUFFER));
        assertThat(t.next()).isZero();
    }

    @Test
    void rejectsAnOutOfOrderPacket() {
        SequenceTracker t = new SequenceTracker();
        assertThat(t.startCommand()).isZero();
        assertThatThrownBy(() -> t.received(new Packet(3, Unpooled.EMPTY_BUFFER)))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("sequence id: 3 (expected: 1)");
    }

    @Test
    void oneTrackerPerChannel() {
        EmbeddedChannel a = new EmbeddedChannel();
        EmbeddedChannel b = new EmbeddedChannel();
        assertThat(SequenceTracker.of(a)).isSameAs(SequenceTracker.of(a)).isNotSameAs(SequenceTracker.of(b));
        a.finishAndReleaseAll();
        b.finishAndReleaseAll();
    }
}

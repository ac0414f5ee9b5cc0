package io.fluxdb.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One logical MySQL packet: a complete payload (continuations already joined) and the sequence ids
 * of its first and last physical packets. A reply to it uses {@code lastSequenceId() + 1}.
 *
 * @see <a href="https://mariadb.com/kb/en/0-packet/">Packet</a>
 */
public final class Packet extends DefaultByteBufHolder {
    private final int sequenceId;
    private final int lastSequenceId;

    /** A packet that fits in one physical packet (or will be split by {@link PacketEncoder}). */
    public Packet(int sequenceId, ByteBuf payload) {
        this(sequenceId, sequenceId, payload);
    }

    public Packet(int sequenceId, int lastSequenceId, ByteBuf payload) {
        super(payload);
        this.sequenceId = checkSequenceId(sequenceId, "sequenceId");
        this.lastSequenceId = checkSequenceId(lastSequenceId, "lastSequenceId");
    }

    private static int checkSequenceId(int id, String name) {
        if (id < 0 || id > 0xFF) {
            throw new IllegalArgumentException(name + ": " + id + " (expected: 0-255)");
        }
        return id;
    }

    /** The sequence id of the first physical packet. */
    public int sequenceId() {
        return sequenceId;
    }

    /** The sequence id of the last physical packet (equal to {@link #sequenceId()} unless split). */
    public int lastSequenceId() {
        return lastSequenceId;
    }

    /** The payload (same as {@link #content()}). */
    public ByteBuf payload() {
        return content();
    }

    @Override
    public Packet replace(ByteBuf content) {
        return new Packet(sequenceId, lastSequenceId, content);
    }

    @Override
    public Packet copy() {
        return replace(content().copy());
    }

    @Override
    public Packet duplicate() {
        return replace(content().duplicate());
    }

    @Override
    public Packet retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }

    @Override
    public Packet retain() {
        super.retain();
        return this;
    }

    @Override
    public Packet retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public Packet touch() {
        super.touch();
        return this;
    }

    @Override
    public Packet touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Packet p && p.sequenceId == sequenceId && p.lastSequenceId == lastSequenceId
                && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * super.hashCode() + sequenceId) + lastSequenceId;
    }

    @Override
    public String toString() {
        return "Packet(seq=" + sequenceId + (lastSequenceId == sequenceId ? "" : ".." + lastSequenceId)
                + ", length=" + content().readableBytes() + ")";
    }
}

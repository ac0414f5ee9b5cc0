package io.fluxdb.engine.mysql.frontend;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.fluxdb.protocol.constant.ServerStatus;
import io.fluxdb.protocol.message.server.SessionStateChange;
import io.fluxdb.protocol.wire.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The session-state part of an OK packet that a client with CLIENT_SESSION_TRACK (and CLIENT_PROTOCOL_41) receives:
 * header, affected rows, insert id, status flags, warnings, the info text (length-encoded), then, when the status
 * has SERVER_SESSION_STATE_CHANGED, one length-encoded block of entries. Everything before the block is kept byte for
 * byte when the block is replaced, so the engine's answer reaches the client unchanged but for the entries.
 */
final class OkSessionState {
    private final byte[] before;
    private final int statusAt;
    private final int status;
    private final byte[] info;
    private final List<SessionStateChange> changes;

    private OkSessionState(byte[] before, int statusAt, int status, byte[] info, List<SessionStateChange> changes) {
        this.before = before;
        this.statusAt = statusAt;
        this.status = status;
        this.info = info;
        this.changes = changes;
    }

    /**
     * Reads an OK ({@code 0x00}, or the {@code 0xFE} OK that ends rows under CLIENT_DEPRECATE_EOF); empty for any other
     * packet, and for an OK laid out otherwise than described above (then it is left as it is).
     */
    static Optional<OkSessionState> read(ByteBuf payload, boolean deprecateEof) {
        ByteBuf p = payload.duplicate();
        if (!p.isReadable()) {
            return Optional.empty();
        }
        int header = p.readUnsignedByte();
        if (header != 0x00 && !(header == 0xFE && deprecateEof)) {
            return Optional.empty();
        }
        try {
            Wire.readLenEncInt(p);
            Wire.readLenEncInt(p);
            int statusAt = p.readerIndex() - payload.readerIndex();
            int status = Wire.readUInt16(p, "status flags");
            Wire.readUInt16(p, "warnings");
            byte[] before = new byte[p.readerIndex() - payload.readerIndex()];
            payload.getBytes(payload.readerIndex(), before);
            byte[] info = p.isReadable() ? Wire.readLenEncBytes(p) : new byte[0];
            List<SessionStateChange> changes = List.of();
            if (ServerStatus.has(status, ServerStatus.SERVER_SESSION_STATE_CHANGED) && p.isReadable()) {
                changes = SessionStateChange.parseAll(Unpooled.wrappedBuffer(Wire.readLenEncBytes(p)));
            }
            if (p.isReadable()) {
                return Optional.empty();
            }
            return Optional.of(new OkSessionState(before, statusAt, status, info, changes));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code payload} is an OK (as {@link #read} takes it) whose status says it carries session state. */
    static boolean changesState(ByteBuf payload, boolean deprecateEof) {
        ByteBuf p = payload.duplicate();
        if (!p.isReadable()) {
            return false;
        }
        int header = p.readUnsignedByte();
        if (header != 0x00 && !(header == 0xFE && deprecateEof)) {
            return false;
        }
        try {
            Wire.readLenEncInt(p);
            Wire.readLenEncInt(p);
            return p.readableBytes() >= 2
                    && ServerStatus.has(p.readUnsignedShortLE(), ServerStatus.SERVER_SESSION_STATE_CHANGED);
        } catch (RuntimeException e) {
            return false;
        }
    }

    List<SessionStateChange> changes() {
        return changes;
    }

    /**
     * The value of system variable {@code name} in a SESSION_TRACK_SYSTEM_VARIABLES entry, if the packet has one.
     */
    Optional<String> systemVariable(String name) {
        for (SessionStateChange c : changes) {
            if (c.type() == SessionStateChange.SESSION_TRACK_SYSTEM_VARIABLES
                    && c.systemVariable().getKey().equalsIgnoreCase(name)) {
                return Optional.of(c.systemVariable().getValue());
            }
        }
        return Optional.empty();
    }

    /**
     * This packet with its entries for system variable {@code name} removed, and with {@code value} appended as that
     * variable's entry when not null. SERVER_SESSION_STATE_CHANGED is set when entries remain, cleared when none do.
     */
    ByteBuf withSystemVariable(String name, String value) {
        List<SessionStateChange> edited = new ArrayList<>(changes.size() + 1);
        for (SessionStateChange c : changes) {
            if (c.type() != SessionStateChange.SESSION_TRACK_SYSTEM_VARIABLES
                    || !c.systemVariable().getKey().equalsIgnoreCase(name)) {
                edited.add(c);
            }
        }
        if (value != null) {
            edited.add(systemVariableEntry(name, value));
        }
        boolean changed = !edited.isEmpty();
        int newStatus = changed ? status | ServerStatus.SERVER_SESSION_STATE_CHANGED
                : status & ~ServerStatus.SERVER_SESSION_STATE_CHANGED;
        ByteBuf out = Unpooled.buffer(before.length + info.length + 64);
        out.writeBytes(before);
        out.setShortLE(statusAt, newStatus);
        if (info.length > 0 || changed) {
            Wire.writeLenEncBytes(out, info);
        }
        if (changed) {
            ByteBuf block = Unpooled.buffer();
            edited.forEach(c -> c.encode(block));
            byte[] bytes = new byte[block.readableBytes()];
            block.readBytes(bytes);
            Wire.writeLenEncBytes(out, bytes);
        }
        return out;
    }

    /** A SESSION_TRACK_SYSTEM_VARIABLES entry: the name and the value, each length-encoded. */
    static SessionStateChange systemVariableEntry(String name, String value) {
        ByteBuf data = Unpooled.buffer();
        Wire.writeLenEncString(data, name);
        Wire.writeLenEncBytes(data, value.getBytes(UTF_8));
        byte[] bytes = new byte[data.readableBytes()];
        data.readBytes(bytes);
        return new SessionStateChange(SessionStateChange.SESSION_TRACK_SYSTEM_VARIABLES, bytes);
    }
}

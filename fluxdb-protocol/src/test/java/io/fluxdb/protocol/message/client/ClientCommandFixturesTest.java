package io.fluxdb.protocol.message.client;

import static io.fluxdb.protocol.constant.ColumnType.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.protocol.Packets;
import io.fluxdb.protocol.constant.CapabilityFlags;
import io.fluxdb.protocol.wire.MySqlDateTime;
import io.fluxdb.protocol.wire.MySqlTime;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each command captured from a real client: decode equals the expected record, encode equals the bytes. */
class ClientCommandFixturesTest {
    /** Capabilities of the capturing clients that matter to command decoding. */
    static final long CAPS = CapabilityFlags.CLIENT_PROTOCOL_41 | CapabilityFlags.CLIENT_SECURE_CONNECTION
            | CapabilityFlags.CLIENT_PLUGIN_AUTH | CapabilityFlags.CLIENT_CONNECT_ATTRS | CapabilityFlags.CLIENT_DEPRECATE_EOF;

    @Test
    void simpleCommands() {
        check("com-query", new ComQuery("SELECT 1"), p -> ComQuery.decode(p, CAPS));
        check("com-init-db", new ComInitDb("mysql"), p -> ComInitDb.decode(p, CAPS));
        check("com-quit", new ComQuit(), p -> ComQuit.decode(p, CAPS));
        check("com-ping", new ComPing(), p -> ComPing.decode(p, CAPS));
        check("com-statistics", new ComStatistics(), p -> ComStatistics.decode(p, CAPS));
        check("com-reset-connection", new ComResetConnection(), p -> ComResetConnection.decode(p, CAPS));
        check("com-field-list", new ComFieldList("t_big", ""), p -> ComFieldList.decode(p, CAPS));
        check("com-set-option", new ComSetOption(0), p -> ComSetOption.decode(p, CAPS));
        check("com-process-kill", new ComProcessKill(999999), p -> ComProcessKill.decode(p, CAPS));
        check("com-stmt-reset", new ComStmtReset(16), p -> ComStmtReset.decode(p, CAPS));
        check("com-stmt-close", new ComStmtClose(0x11), p -> ComStmtClose.decode(p, CAPS));
        check("com-stmt-fetch", new ComStmtFetch(0x13, 2), p -> ComStmtFetch.decode(p, CAPS));
        check("com-stmt-prepare", new ComStmtPrepare("SELECT " + String.join(", ", Collections.nCopies(14, "?"))),
                p -> ComStmtPrepare.decode(p, CAPS));
    }

    @Test
    void sendLongData() {
        byte[] data = "streamed".getBytes(StandardCharsets.US_ASCII);
        check("com-stmt-send-long-data-mysqlj", new ComStmtSendLongData(0x12, 0, data), p -> ComStmtSendLongData.decode(p, CAPS));
        check("com-stmt-send-long-data-mariadbj", new ComStmtSendLongData(ComStmtExecute.LAST_PREPARED, 0, data),
                p -> ComStmtSendLongData.decode(p, CAPS));
    }

    @Test
    void executeWithEveryParameterTypeFromMySqlConnectorJ() {
        List<ParamType> types = types(TINY_, SHORT_, LONG_, MYSQL_TYPE_LONGLONG, MYSQL_TYPE_FLOAT, MYSQL_TYPE_DOUBLE,
                MYSQL_TYPE_NEWDECIMAL, MYSQL_TYPE_VAR_STRING, MYSQL_TYPE_VAR_STRING, MYSQL_TYPE_NULL, MYSQL_TYPE_DATE,
                MYSQL_TYPE_TIMESTAMP, MYSQL_TYPE_TIME, TINY_);
        // MySQL Connector/J drops the timestamp's fraction against this server (it sent 7 bytes, not 11).
        ComStmtExecute expected = new ComStmtExecute(0x11, 0, 1, true, types, values(
                new MySqlDateTime(2024, 2, 29, 13, 14, 15, 0), new byte[] {0, 1, (byte) 0xff}));
        check("com-stmt-execute-types-mysqlj", expected, p -> ComStmtExecute.decode(p, 14, List.of()));
    }

    @Test
    void executeOfLastPreparedFromMariaDbConnectorJ() {
        List<ParamType> types = types(TINY_, SHORT_, LONG_, MYSQL_TYPE_LONGLONG, MYSQL_TYPE_FLOAT, MYSQL_TYPE_DOUBLE,
                MYSQL_TYPE_NEWDECIMAL, MYSQL_TYPE_VAR_STRING, MYSQL_TYPE_BLOB, MYSQL_TYPE_VARCHAR, MYSQL_TYPE_DATE,
                MYSQL_TYPE_DATETIME, MYSQL_TYPE_TIME, TINY_);
        ComStmtExecute expected = new ComStmtExecute(ComStmtExecute.LAST_PREPARED, 0, 1, true, types, values(
                new MySqlDateTime(2024, 2, 29, 13, 14, 15, 123456), new byte[] {0, 1, (byte) 0xff}));
        check("com-stmt-execute-types-mariadbj", expected, p -> ComStmtExecute.decode(p, 14, List.of()));
    }

    @Test
    void reboundExecute() {
        List<Object> ints = new ArrayList<>();
        for (long i = 1; i <= 14; i++) {
            ints.add(i);
        }
        List<ParamType> longs = Collections.nCopies(14, new ParamType(MYSQL_TYPE_LONG, false));
        check("com-stmt-execute-rebound-mysqlj", new ComStmtExecute(0x11, 0, 1, true, longs, ints),
                p -> ComStmtExecute.decode(p, 14, types(TINY_, TINY_, TINY_, TINY_, TINY_, TINY_, TINY_, TINY_, TINY_, TINY_, TINY_, TINY_, TINY_, TINY_)));
        check("com-stmt-execute-rebound-mariadbj", new ComStmtExecute(0x0b, 0, 1, true, longs, ints),
                p -> ComStmtExecute.decode(p, 14, List.of()));
    }

    @Test
    void executeWithLongDataParameterCarriesNoValue() {
        BitSet longData = new BitSet();
        longData.set(0);
        List<Object> values = new ArrayList<>();
        values.add(ParamMarker.LONG_DATA);
        check("com-stmt-execute-longdata-mysqlj",
                new ComStmtExecute(0x12, 0, 1, true, types(MYSQL_TYPE_BLOB), values),
                p -> ComStmtExecute.decode(p, new StatementContext(1, List.of(), longData)));
    }

    @Test
    void executeWithCursor() {
        ComStmtExecute expected = new ComStmtExecute(0x13, ComStmtExecute.CURSOR_TYPE_READ_ONLY, 1, false, List.of(), List.of());
        check("com-stmt-execute-cursor-mysqlj", expected, p -> ComStmtExecute.decode(p, 0, List.of()));
        assertThat(expected.cursorRequested()).isTrue();
    }

    @Test
    void bulkExecute() {
        ComStmtBulkExecute expected = new ComStmtBulkExecute(0x0c, ComStmtBulkExecute.SEND_TYPES_TO_SERVER,
                types(MYSQL_TYPE_VAR_STRING), List.of(List.of((Object) bytes("b1")), List.of((Object) bytes("b2"))));
        check("com-stmt-bulk-execute", expected, p -> ComStmtBulkExecute.decode(p, 1, List.of()));
    }

    @Test
    void changeUserWithConnectAttributes() {
        byte[] fixture = Packets.single("com-change-user");
        ByteBuf in = Unpooled.wrappedBuffer(fixture);
        ComChangeUser decoded = ComChangeUser.decode(in, CAPS);
        assertThat(in.isReadable()).isFalse();
        assertThat(decoded.user()).isEqualTo("root");
        assertThat(decoded.authResponse()).isEmpty();
        assertThat(decoded.database()).isEqualTo("fx");
        assertThat(decoded.charset()).isEqualTo(45);
        assertThat(decoded.authPlugin()).isEqualTo("mysql_native_password");
        assertThat(decoded.attributes()).containsEntry("_client_name", "MySQL Connector/J").containsKey("_runtime_version");
        assertThat(new ArrayList<>(decoded.attributes().keySet()).get(0)).isEqualTo("_runtime_version");
        assertThat(decoded.toString()).doesNotContain("authResponse");
        assertEncodes(decoded, fixture);
    }

    @Test
    void dispatcherRoutesByCommandByteAndResolvesStatements() {
        ByteBuf in = Unpooled.wrappedBuffer(Packets.single("com-stmt-execute-types-mariadbj"));
        ClientMessage m = Commands.decode(in, CAPS, id -> id == ComStmtExecute.LAST_PREPARED ? StatementContext.of(14) : null);
        assertThat(m).isInstanceOf(ComStmtExecute.class);
        assertThat(((ComStmtExecute) m).values()).hasSize(14);
        assertThat(Commands.decode(Unpooled.wrappedBuffer(Packets.single("com-ping")), CAPS, id -> null)).isEqualTo(new ComPing());
        ByteBuf unknown = Unpooled.wrappedBuffer(new byte[] {0x20, 1, 2});
        assertThat(Commands.decode(unknown, CAPS, id -> null)).isEqualTo(new ComUnknown(0x20));
        assertThat(unknown.isReadable()).isFalse();
        ByteBuf unknownStatement = Unpooled.wrappedBuffer(Packets.single("com-stmt-execute-types-mysqlj"));
        assertThat(((ComStmtExecute) Commands.decode(unknownStatement, CAPS, id -> null)).statementId()).isEqualTo(0x11);
    }

    private static final int TINY_ = MYSQL_TYPE_TINY;
    private static final int SHORT_ = MYSQL_TYPE_SHORT;
    private static final int LONG_ = MYSQL_TYPE_LONG;

    private static List<Object> values(MySqlDateTime timestamp, byte[] blob) {
        return Arrays.asList(-5L, 300L, -70000L, Long.MAX_VALUE, 1.25f, -2.5d, new BigDecimal("12.345"), bytes("héllo"),
                blob, null, MySqlDateTime.ofDate(2024, 2, 29), timestamp, new MySqlTime(false, 0, 13, 14, 15, 0), 1L);
    }

    static List<ParamType> types(int... types) {
        return Arrays.stream(types).mapToObj(t -> new ParamType(t, false)).toList();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    interface Decoder {
        ClientMessage decode(ByteBuf payload);
    }

    static void check(String fixture, ClientMessage expected, Decoder decoder) {
        byte[] bytes = Packets.single(fixture);
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        assertThat(decoder.decode(in)).as(fixture).isEqualTo(expected);
        assertThat(in.isReadable()).as(fixture + " fully consumed").isFalse();
        assertEncodes(expected, bytes);
    }

    static void assertEncodes(ClientMessage message, byte[] expected) {
        ByteBuf out = Unpooled.buffer();
        try {
            message.encode(out, CAPS);
            assertThat(ByteBufUtil.hexDump(out)).as("encode " + message).isEqualTo(ByteBufUtil.hexDump(expected));
        } finally {
            out.release();
        }
    }
}

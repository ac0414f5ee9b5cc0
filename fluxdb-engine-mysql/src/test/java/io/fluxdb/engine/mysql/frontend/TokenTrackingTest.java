package io.fluxdb.engine.mysql.frontend;

import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_DEPRECATE_EOF;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_PROTOCOL_41;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_SESSION_TRACK;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.engine.mysql.sql.MySqlStatementClassifier;
import io.fluxdb.protocol.codec.Packet;
import io.fluxdb.protocol.constant.ServerStatus;
import io.fluxdb.protocol.message.server.OkPacket;
import io.fluxdb.protocol.message.server.SessionStateChange;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenTrackingTest {
    private static final long CAPS = CLIENT_PROTOCOL_41 | CLIENT_SESSION_TRACK;
    private final MySqlStatementClassifier classifier = new MySqlStatementClassifier();

    private String forEngine(String sql) {
        byte[] payload = ("\u0003" + sql).getBytes(UTF_8);
        byte[] out = TokenTracking.forEngine(payload, classifier.classify(sql));
        return new String(out, 1, out.length - 1, UTF_8);
    }

    @Test
    void theEngineGetsTheListWithoutTheOperatorsName() {
        assertThat(forEngine("SET SESSION session_track_system_variables = 'autocommit, fluxdb_last_commit'"))
                .isEqualTo("SET SESSION session_track_system_variables = 'autocommit'");
        assertThat(forEngine("set @@session.session_track_system_variables=\"FLUXDB_LAST_COMMIT\", autocommit = 1"))
                .isEqualTo("set @@session.session_track_system_variables=\"\", autocommit = 1");
        assertThat(forEngine("SET session_track_system_variables = '*'"))
                .isEqualTo("SET session_track_system_variables = '*'");
        assertThat(forEngine("/* é */ SET session_track_system_variables = 'time_zone'"))
                .as("untouched, bytes and all").isEqualTo("/* é */ SET session_track_system_variables = 'time_zone'");
        assertThat(forEngine("SET @@global.session_track_system_variables = 'time_zone'"))
                .isEqualTo("SET @@global.session_track_system_variables = 'time_zone'");
        assertThatThrownBy(() -> forEngine("SET session_track_system_variables = CONCAT('fluxdb_last_commit', '')"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quoted list");
    }

    @Test
    void aTrackingClientGetsTheTokenOnceEachTimeItMovesMergedWithTheEnginesEntries() {
        TokenTracking tracking = new TokenTracking(CAPS);
        AtomicLong token = new AtomicLong(5);
        tracking.succeeded(classifier.classify("SET session_track_system_variables = 'autocommit,fluxdb_last_commit'"),
                token.get());
        OkPacket plain = new OkPacket(1, 0, ServerStatus.SERVER_STATUS_AUTOCOMMIT, 0, "");
        assertThat(pass(tracking, plain, token)).as("the token did not move").isEqualTo(plain);

        token.set(9);
        byte[] engineEntry = OkSessionState.systemVariableEntry("autocommit", "ON").data();
        OkPacket fromEngine = new OkPacket(OkPacket.HEADER, 3, 7, ServerStatus.SERVER_STATUS_AUTOCOMMIT
                | ServerStatus.SERVER_SESSION_STATE_CHANGED, 2, "Records: 3", entries(
                        new SessionStateChange(SessionStateChange.SESSION_TRACK_SYSTEM_VARIABLES, engineEntry)));
        OkPacket merged = pass(tracking, fromEngine, token);
        assertThat(merged.affectedRows()).isEqualTo(3);
        assertThat(merged.lastInsertId()).isEqualTo(7);
        assertThat(merged.warnings()).isEqualTo(2);
        assertThat(merged.info()).isEqualTo("Records: 3");
        assertThat(merged.sessionStateChanges()).extracting(SessionStateChange::systemVariable)
                .containsExactly(java.util.Map.entry("autocommit", "ON"), java.util.Map.entry("fluxdb_last_commit", "9"));

        token.set(12);
        OkPacket added = pass(tracking, plain, token);
        assertThat(ServerStatus.has(added.statusFlags(), ServerStatus.SERVER_SESSION_STATE_CHANGED)).isTrue();
        assertThat(added.sessionStateChanges()).extracting(SessionStateChange::systemVariable)
                .containsExactly(java.util.Map.entry("fluxdb_last_commit", "12"));
        assertThat(pass(tracking, plain, token)).as("told once").isEqualTo(plain);
    }

    @Test
    void aSelectOfTheListNamesTheTokenWhileTheClientTracksItByName() {
        TokenTracking tracking = new TokenTracking(CAPS);
        String select = "SELECT @@SESSION . session_track_system_variables";
        assertThat(tracking.selectRewrite(select)).isEmpty();
        tracking.succeeded(classifier.classify("SET session_track_system_variables = 'fluxdb_last_commit'"), 0);
        assertThat(tracking.selectRewrite(select)).contains("SELECT CONCAT_WS(',', NULLIF("
                + "@@session.session_track_system_variables, ''), 'fluxdb_last_commit')"
                + " AS `@@SESSION.session_track_system_variables`");
        assertThat(tracking.selectRewrite("SELECT @@session_track_system_variables, 1")).isEmpty();
        tracking.succeeded(classifier.classify("SET session_track_system_variables = '*'"), 0);
        assertThat(tracking.selectRewrite(select)).as("'*' says it all").isEmpty();
    }

    @Test
    void aTokenTheLeaderReportedBecomesTheSessionsAndIsTakenOutForAClientThatDoesNotTrackIt() {
        TokenTracking tracking = new TokenTracking(CAPS | CLIENT_DEPRECATE_EOF);
        AtomicLong token = new AtomicLong(3);
        OkPacket fromLeader = new OkPacket(OkPacket.EOF_HEADER, 0, 0, ServerStatus.SERVER_STATUS_AUTOCOMMIT
                | ServerStatus.SERVER_SESSION_STATE_CHANGED, 0, "", entries(new SessionStateChange(
                        SessionStateChange.SESSION_TRACK_SYSTEM_VARIABLES,
                        OkSessionState.systemVariableEntry("fluxdb_last_commit", "40").data())));
        OkPacket out = pass(tracking, fromLeader, token);
        assertThat(token.get()).isEqualTo(40);
        assertThat(tracking.takeLastAnswer()).isEqualTo(TokenTracking.Answer.REPORTED);
        assertThat(tracking.takeLastAnswer()).as("taken once").isEqualTo(TokenTracking.Answer.UNKNOWN);
        assertThat(out.sessionStateChanges()).isEmpty();
        assertThat(ServerStatus.has(out.statusFlags(), ServerStatus.SERVER_SESSION_STATE_CHANGED)).isFalse();
        assertThat(out.header()).isEqualTo(OkPacket.EOF_HEADER);

        tracking.succeeded(classifier.classify("SET session_track_system_variables = '*'"), token.get());
        assertThat(tracking.setting()).contains("'*'");
        OkPacket next = new OkPacket(OkPacket.EOF_HEADER, 0, 0, fromLeader.statusFlags(), 0, "", entries(
                new SessionStateChange(SessionStateChange.SESSION_TRACK_SYSTEM_VARIABLES,
                        OkSessionState.systemVariableEntry("fluxdb_last_commit", "41").data())));
        assertThat(pass(tracking, next, token)).as("relayed as the leader wrote it").isEqualTo(next);
        assertThat(token.get()).isEqualTo(41);
        assertThat(tracking.takeLastAnswer()).isEqualTo(TokenTracking.Answer.REPORTED);
        pass(tracking, new OkPacket(0, 0, 2, 0, ""), token);
        assertThat(tracking.takeLastAnswer()).as("an OK without it").isEqualTo(TokenTracking.Answer.UNMOVED);
        pass(tracking, new OkPacket(0, 0, 2, 0, ""), token);
        tracking.commandStarted();
        assertThat(tracking.takeLastAnswer()).isEqualTo(TokenTracking.Answer.UNKNOWN);
        assertThat(TokenTracking.namesToken("'a, FLUXDB_LAST_COMMIT'")).isTrue();
        assertThat(TokenTracking.namesToken("DEFAULT")).isFalse();
    }

    @Test
    void aClientWithoutSessionTrackingAndOtherPacketsAreLeftAlone() {
        TokenTracking tracking = new TokenTracking(CLIENT_PROTOCOL_41);
        AtomicLong token = new AtomicLong(1);
        tracking.succeeded(classifier.classify("SET session_track_system_variables = 'fluxdb_last_commit'"), 0);
        Packet ok = packet(new OkPacket(1, 0, 2, 0, ""), CLIENT_PROTOCOL_41);
        assertThat(tracking.lastPacket(ok, token::set, token::get)).isSameAs(ok);
        ok.release();

        TokenTracking tracked = new TokenTracking(CAPS);
        tracked.succeeded(classifier.classify("SET session_track_system_variables = 'fluxdb_last_commit'"), 0);
        Packet eof = new Packet(5, Unpooled.wrappedBuffer(new byte[] {(byte) 0xFE, 0, 0, 2, 0}));
        assertThat(tracked.lastPacket(eof, token::set, token::get)).as("an EOF has no room").isSameAs(eof);
        eof.release();
    }

    private static byte[] entries(SessionStateChange... changes) {
        ByteBuf out = Unpooled.buffer();
        for (SessionStateChange c : changes) {
            c.encode(out);
        }
        return ByteBufUtil.getBytes(out);
    }

    private static Packet packet(OkPacket ok, long caps) {
        ByteBuf out = Unpooled.buffer();
        ok.encode(out, caps);
        return new Packet(3, out);
    }

    /** The packet as the client gets it, decoded; its sequence id kept. */
    private static OkPacket pass(TokenTracking tracking, OkPacket ok, AtomicLong token) {
        Packet out = tracking.lastPacket(packet(ok, CAPS), token::set, token::get);
        try {
            assertThat(out.sequenceId()).isEqualTo(3);
            return OkPacket.decode(out.content().duplicate(), CAPS);
        } finally {
            out.release();
        }
    }
}

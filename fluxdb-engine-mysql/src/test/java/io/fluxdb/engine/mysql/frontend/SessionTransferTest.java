package io.fluxdb.engine.mysql.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.spi.BoundValue;
import io.fluxdb.engine.spi.SessionContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SessionTransferTest {

    @Test
    void userVariablesTravelAsLiteralsOfTheirType() {
        assertThat(SessionTransfer.literal(new BoundValue.Null())).isEqualTo("NULL");
        assertThat(SessionTransfer.literal(new BoundValue.Int(-42))).isEqualTo("-42");
        assertThat(SessionTransfer.literal(new BoundValue.UnsignedInt(-1L))).isEqualTo("18446744073709551615");
        assertThat(SessionTransfer.literal(new BoundValue.Real(1.5))).isEqualTo("1.5E0");
        assertThat(SessionTransfer.literal(new BoundValue.Real(1e300))).isEqualTo("1.0E300");
        assertThat(SessionTransfer.literal(new BoundValue.Decimal("12.340"))).isEqualTo("12.340");
        assertThat(SessionTransfer.literal(new BoundValue.Text("it's a \\ test")))
                .isEqualTo("_utf8mb4'it''s a \\\\ test'");
        assertThat(SessionTransfer.literal(new BoundValue.Bytes(new byte[] {0, (byte) 0xff}))).isEqualTo("X'00ff'");
        assertThat(SessionTransfer.literal(new BoundValue.Bytes(new byte[0]))).isEqualTo("_binary''");
    }

    @Test
    void theStatementsAreReadInUtf8WithAnEmptySqlModeAndRestoreTheSessionsOwnLast() {
        Map<String, BoundValue> variables = new LinkedHashMap<>();
        variables.put("id", new BoundValue.Text("5d4c"));
        variables.put("odd`name", new BoundValue.Int(1));
        SessionContext session = new SessionContext(Optional.of("app`db"), "ANSI_QUOTES,NO_BACKSLASH_ESCAPES", "+05:00",
                "latin1", "latin1", Optional.empty(), "latin1_swedish_ci", false, true, 2, 1,
                Map.of("div_precision_increment", "6"));
        List<String> sql = SessionTransfer.statements(new WriteContext(session, 0, variables, "'app'@'%'",
                "READ-COMMITTED"), false, true);
        assertThat(sql).containsExactly(
                "SET NAMES utf8mb4, SESSION sql_mode = ''",
                "USE `app``db`",
                "SET @`id` = _utf8mb4'5d4c', @`odd``name` = 1",
                "SET autocommit = 0",
                "SET SESSION time_zone = '+05:00', foreign_key_checks = 0, unique_checks = 1,"
                        + " auto_increment_increment = 2, auto_increment_offset = 1, tx_isolation = 'READ-COMMITTED',"
                        + " div_precision_increment = 6, character_set_client = 'latin1',"
                        + " character_set_connection = 'latin1', collation_connection = 'latin1_swedish_ci',"
                        + " character_set_results = NULL, sql_mode = 'ANSI_QUOTES,NO_BACKSLASH_ESCAPES'");
    }

    @Test
    void autocommitIsLeftAloneWhenBothSessionsAgree() {
        SessionContext session = new SessionContext(Optional.empty(), "", "SYSTEM", "utf8mb4", "utf8mb4",
                Optional.of("utf8mb4"), "utf8mb4_general_ci", true, true, 1, 1, Map.of());
        List<String> sql = SessionTransfer.statements(new WriteContext(session, 0, Map.of(), "'a'@'%'",
                "REPEATABLE-READ"), true, true);
        assertThat(sql).hasSize(2).noneMatch(s -> s.contains("autocommit"));
    }
}

package io.fluxdb.engine.mysql.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.engine.spi.SessionContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SessionSetupTest {

    private static SessionContext session(Map<String, String> others) {
        return new SessionContext(Optional.of("shop"), "STRICT_TRANS_TABLES", "+00:00", "utf8mb4", "utf8mb4",
                Optional.of("utf8mb4"), "utf8mb4_general_ci", true, true, 1, 1, others);
    }

    @Test
    void otherVariablesAreAssignedInNameOrderWithoutTheOnesApplyOwns() {
        SessionContext s = session(Map.of("transaction_isolation", "'READ-COMMITTED'", "div_precision_increment", "8",
                "innodb_lock_wait_timeout", "1000", "character_set_results", "'latin1'", "autocommit", "0"));

        assertThat(SessionSetup.otherVariables(s))
                .isEqualTo("div_precision_increment = 8, transaction_isolation = 'READ-COMMITTED'");
    }

    @Test
    void resetUndoesWhatTheNextEntryWouldNotOverwrite() {
        SessionContext s = session(Map.of("div_precision_increment", "8", "autocommit", "0"));

        assertThat(SessionSetup.resetAssignments(s, List.of("id", "we`ird")))
                .isEqualTo("timestamp = DEFAULT, insert_id = 0, last_insert_id = 0,"
                        + " div_precision_increment = DEFAULT, @`id` = NULL, @`we``ird` = NULL");
    }

    @Test
    void aVariableNameThatIsNoIdentifierIsACorruptEntry() {
        SessionContext s = session(Map.of("x = 1, sql_log_bin", "0"));

        assertThatThrownBy(() -> SessionSetup.otherVariables(s))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("corrupt log entry");
    }
}

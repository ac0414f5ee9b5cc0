package io.fluxdb.engine.mysql.frontend;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.mysql.sql.MySqlStatementClassifier;
import io.fluxdb.engine.spi.Classification;
import io.fluxdb.engine.spi.ParseContext;
import io.fluxdb.protocol.message.server.ErrPacket;
import org.junit.jupiter.api.Test;

class OperatorVariablesTest {
    private final MySqlStatementClassifier classifier = new MySqlStatementClassifier();
    private final OperatorVariables variables = new OperatorVariables(ReadConsistency.SESSION);

    private Classification classify(String sql) {
        return classifier.classify(sql);
    }

    @Test
    void setsTheConsistencyAndACommitTokenAndRefusesTheReadOnlyOne() {
        assertThat(OperatorVariables.assignsOne(classify("SET @@session.fluxdb_consistency = 'strong'"))).isTrue();
        assertThat(OperatorVariables.assignsOne(classify("SET @fluxdb_consistency = 1"))).isFalse();
        assertThat(variables.set(classify("SET SESSION fluxdb_consistency = EVENTUAL"))).isEmpty();
        assertThat(variables.consistency()).isEqualTo(ReadConsistency.EVENTUAL);
        assertThat(variables.set(classify("SET fluxdb_read_after = 42"))).isEmpty();
        assertThat(variables.readAfter()).isEqualTo(42);
        assertThat(variables.set(classify("SET fluxdb_last_commit = 1"))).get().extracting(ErrPacket::errorCode)
                .isEqualTo(1238);
        assertThat(variables.set(classify("SET fluxdb_read_after = 'soon'"))).get().extracting(ErrPacket::errorCode)
                .isEqualTo(1231);
        assertThat(variables.set(classify("SET fluxdb_nonsense = 1"))).get().extracting(ErrPacket::errorCode)
                .isEqualTo(1193);
        assertThat(variables.readAfter()).isEqualTo(42);
    }

    private java.util.Optional<String> rewrite(String sql, long lastCommit) {
        byte[] payload = ("\u0003" + sql).getBytes(UTF_8); // COM_QUERY
        return variables.selectRewrite(sql, payload, ParseContext.DEFAULT, classify(sql), lastCommit)
                .map(b -> new String(b, UTF_8));
    }

    @Test
    void aSelectOfTheVariablesIsAnsweredFromLiteralsNamedAsMariaDbNamesTheColumns() {
        assertThat(rewrite("SELECT @@fluxdb_last_commit", 17))
                .contains("SELECT 17 AS `@@fluxdb_last_commit`");
        // MariaDB names the column as the item is written, spaces included
        assertThat(rewrite(" select @@SESSION . fluxdb_consistency ;", 0))
                .contains(" select 'session' AS `@@SESSION . fluxdb_consistency` ;");
        assertThat(rewrite("SELECT @@fluxdb_last_commit AS token, @@session.fluxdb_read_after, 1", 17))
                .contains("SELECT 17 AS token, 0 AS `@@session.fluxdb_read_after`, 1");
        assertThat(rewrite("SELECT @@fluxdb_unknown", 17)).isEmpty();
        assertThat(rewrite("SELECT @@global.fluxdb_last_commit", 17)).isEmpty();
        assertThat(rewrite("SELECT @@version", 17)).isEmpty();
        assertThat(rewrite("SELECT @@fluxdb_last_commit, id FROM t", 17)).as("names a table").isEmpty();
        assertThat(rewrite("SET @t = @@fluxdb_last_commit", 17)).as("not a read").isEmpty();
    }
}

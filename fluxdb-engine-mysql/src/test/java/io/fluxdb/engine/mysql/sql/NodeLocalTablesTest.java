package io.fluxdb.engine.mysql.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.spi.ParseContext;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodeLocalTablesTest {

    @Test
    void namesTheQualifiedTableAsWritten() {
        assertThat(named("INSERT INTO t SELECT COUNT(*) FROM information_schema.processlist", Optional.empty()))
                .contains("information_schema.processlist");
        assertThat(named("INSERT INTO t SELECT * FROM `INFORMATION_SCHEMA` /* x */ . `Global_Status`",
                Optional.of("app"))).contains("INFORMATION_SCHEMA.Global_Status");
        assertThat(named("INSERT INTO t SELECT n_rows FROM mysql.innodb_table_stats", Optional.of("app")))
                .contains("mysql.innodb_table_stats");
        // The COM_QUERY payload: the text starts after the command byte.
        byte[] payload = "\3INSERT INTO t SELECT idx FROM fluxdb.applied_log".getBytes(StandardCharsets.UTF_8);
        assertThat(NodeLocalTables.namedIn(payload, 1, ParseContext.DEFAULT, Optional.empty()))
                .contains("fluxdb.applied_log");
    }

    @Test
    void aDefaultDatabaseThatIsNodeLocalAsAWholeIsNamedWhateverTheStatementHolds() {
        assertThat(named("INSERT INTO app.t SELECT COUNT(*) FROM processlist", Optional.of("information_schema")))
                .contains("the tables of the session's default database information_schema");
        assertThat(named("INSERT INTO app.t VALUES (1)", Optional.of("PERFORMANCE_SCHEMA")))
                .contains("the tables of the session's default database PERFORMANCE_SCHEMA");
        assertThat(named("INSERT INTO app.t SELECT * FROM sys.processlist", Optional.of("information_schema")))
                .as("a qualified name is the more precise answer").contains("sys.processlist");
    }

    @Test
    void inMysqlOnlyTheNodeLocalTablesAreNamed() {
        assertThat(named("INSERT INTO app.t SELECT argument FROM general_log", Optional.of("mysql")))
                .contains("general_log of the session's default database mysql");
        assertThat(named("INSERT INTO app.t SELECT * FROM `gtid_slave_pos`", Optional.of("mysql")))
                .contains("gtid_slave_pos of the session's default database mysql");
        assertThat(named("INSERT INTO time_zone_name (Name, Time_zone_id) VALUES ('UTC', @time_zone_id)",
                Optional.of("mysql"))).isEmpty();
        assertThat(named("INSERT INTO app.t SELECT * FROM app.general_log", Optional.of("mysql"))).isEmpty();
        assertThat(named("INSERT INTO app.t SELECT argument FROM general_log", Optional.of("app"))).isEmpty();
    }

    @Test
    void stringsCommentsAndOtherSchemasAreNoTables() {
        assertThat(named("INSERT INTO t VALUES ('information_schema.processlist') -- mysql.general_log",
                Optional.empty())).isEmpty();
        assertThat(named("INSERT INTO t SELECT app.information_schema.processlist FROM app.information_schema",
                Optional.empty())).isEmpty();
        assertThat(named("INSERT INTO t SELECT * FROM app.tables", Optional.of("app"))).isEmpty();
    }

    @Test
    void whichSchemasHoldNodeLocalTables() {
        assertThat(NodeLocalTables.isNodeLocalSchema("Information_Schema")).isTrue();
        assertThat(NodeLocalTables.isNodeLocalSchema("mysql")).isFalse();
        assertThat(NodeLocalTables.holdsNodeLocalTables("mysql")).isTrue();
        assertThat(NodeLocalTables.holdsNodeLocalTables("fluxdb")).isTrue();
        assertThat(NodeLocalTables.holdsNodeLocalTables("app")).isFalse();
    }

    private static Optional<String> named(String sql, Optional<String> database) {
        return NodeLocalTables.namedIn(sql.getBytes(StandardCharsets.UTF_8), 0, ParseContext.DEFAULT, database);
    }
}

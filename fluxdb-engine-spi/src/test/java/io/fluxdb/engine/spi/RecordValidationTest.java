package io.fluxdb.engine.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecordValidationTest {

    @Test
    void engineConfigHidesThePassword() {
        EngineConfig config = new EngineConfig("db", 3306, "root", "s3cret", Optional.of("app"),
                Optional.of(Path.of("/var/lib/fluxdb")), Map.of("b", "2", "a", "1"));
        assertThat(config.toString()).doesNotContain("s3cret").contains("****").contains("app");
        assertThat(config.options().keySet()).containsExactly("a", "b");
        assertThat(config.option("a")).contains("1");
        assertThat(EngineConfig.of("db", 3306, "root", "").toString()).contains("adminPassword=(empty)");
    }

    @Test
    void engineConfigRejectsBadValues() {
        assertThatThrownBy(() -> EngineConfig.of(" ", 3306, "root", "x")).hasMessageContaining("host");
        assertThatThrownBy(() -> EngineConfig.of("db", 0, "root", "x")).hasMessage("port: 0 (expected: 1-65535)");
        assertThatThrownBy(() -> EngineConfig.of("db", 65536, "root", "x")).hasMessageContaining("port: 65536");
        assertThatThrownBy(() -> EngineConfig.of("db", 3306, "", "x")).hasMessageContaining("adminUser");
        assertThatThrownBy(() -> EngineConfig.of("db", 3306, "root", null)).hasMessage("adminPassword is null");
        for (String bad : List.of("", "a.b", "a/b", "a`b", "x ", "x".repeat(64))) {
            assertThatThrownBy(() -> new EngineConfig("db", 3306, "root", "x", Optional.of(bad), Optional.empty(),
                    Map.of())).as(bad).hasMessageContaining("initialDatabase");
        }
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("k", null);
        assertThatThrownBy(() -> new EngineConfig("db", 3306, "root", "x", Optional.empty(), Optional.empty(),
                nullValue)).hasMessage("option 'k' is null");
    }

    @Test
    void logEntryContentIsValidated() {
        SessionContext session = session();
        ReplicatedStatement insert = ReplicatedStatement.of("INSERT INTO t VALUES (1)");
        LogEntryContent entry = new LogEntryContent(EntryKind.TRANSACTION, 1_700_000_000_000_000L, "node-1", 7,
                session, Optional.of("'app'@'%'"), Optional.empty(), List.of(insert, insert));
        assertThat(entry).isEqualTo(new LogEntryContent(EntryKind.TRANSACTION, 1_700_000_000_000_000L, "node-1", 7,
                session, Optional.of("'app'@'%'"), Optional.empty(), List.of(insert, insert)));
        assertThatThrownBy(() -> new LogEntryContent(EntryKind.TRANSACTION, 0, "n", 1, session, Optional.empty(), Optional.empty(), List.of()))
                .hasMessageContaining("at least one");
        assertThatThrownBy(() -> new LogEntryContent(EntryKind.IMPLICIT_COMMIT, 0, "n", 1, session, Optional.empty(), Optional.empty(),
                List.of(insert, insert))).hasMessageContaining("exactly one");
        assertThatThrownBy(() -> new LogEntryContent(EntryKind.TRANSACTION, -1, "n", 1, session, Optional.empty(), Optional.empty(), List.of(insert)))
                .hasMessageContaining("timestampMicros");
        assertThatThrownBy(() -> new LogEntryContent(EntryKind.TRANSACTION, 0, "", 1, session, Optional.empty(), Optional.empty(), List.of(insert)))
                .hasMessageContaining("originNodeId");
    }

    @Test
    void sessionContextSortsVariablesAndChecksRanges() {
        SessionContext session = session();
        assertThat(session.otherVariables().keySet()).containsExactly("a_var", "z_var");
        assertThat(session.withDatabase(Optional.of("other")).database()).contains("other");
        assertThatThrownBy(() -> new SessionContext(Optional.empty(), "", "SYSTEM", "utf8mb4", "utf8mb4",
                Optional.empty(), "utf8mb4_general_ci", true, true, 0, 1, Map.of()))
                .hasMessageContaining("autoIncrementIncrement");
    }

    @Test
    void boundValuesCompareByValue() {
        assertThat(new BoundValue.Bytes(new byte[] {1, 2})).isEqualTo(new BoundValue.Bytes(new byte[] {1, 2}))
                .hasSameHashCodeAs(new BoundValue.Bytes(new byte[] {1, 2}));
        byte[] source = {1};
        BoundValue.Bytes bytes = new BoundValue.Bytes(source);
        source[0] = 9;
        assertThat(bytes.value()).containsExactly(1);
        assertThat(new BoundValue.UnsignedInt(-1L).toBigInteger()).hasToString("18446744073709551615");
        assertThat(new BoundValue.Decimal("-12.50").toBigDecimal()).isEqualByComparingTo("-12.5");
        assertThat(new BoundValue.Date(0, 0, 0)).isEqualTo(new BoundValue.Date(0, 0, 0));
        assertThat(new BoundValue.Time(true, 838, 59, 59, 0).hours()).isEqualTo(838);
        assertThatThrownBy(() -> new BoundValue.Decimal("1,5")).hasMessageContaining("decimal");
        assertThatThrownBy(() -> new BoundValue.Date(2024, 13, 1)).hasMessageContaining("month 0-12");
        assertThatThrownBy(() -> new BoundValue.DateTime(2024, 1, 1, 24, 0, 0, 0)).hasMessageContaining("hour");
        assertThatThrownBy(() -> new BoundValue.Time(false, 1, 0, 0, 1_000_000)).hasMessageContaining("micros");
        ReplayHints hints = new ReplayHints(OptionalLong.of(5), OptionalLong.empty(),
                Optional.of(new ReplayHints.RandSeed(1, 2)), OptionalLong.of(1_700_000_000_000_001L),
                Map.of("z", BoundValue.Null.INSTANCE, "a", new BoundValue.Int(7)));
        assertThat(hints.userVariables().keySet()).containsExactly("a", "z");
        assertThat(new ReplicatedStatement("INSERT INTO t VALUES (?, RAND())", List.of(new BoundValue.Int(1),
                BoundValue.Null.INSTANCE), hints, OptionalLong.of(1))).isEqualTo(new ReplicatedStatement(
                "INSERT INTO t VALUES (?, RAND())", List.of(new BoundValue.Int(1), new BoundValue.Null()), hints,
                OptionalLong.of(1)));
        assertThatThrownBy(() -> new ReplicatedStatement("DELETE FROM t", List.of(), ReplayHints.NONE,
                OptionalLong.of(-1))).hasMessageContaining("affectedRows");
        assertThatThrownBy(() -> new ReplayHints(OptionalLong.empty(), OptionalLong.empty(), Optional.empty(),
                OptionalLong.of(-5), Map.of())).hasMessageContaining("timestampMicros");
    }

    @Test
    void applyResultAndClusterRecords() {
        assertThatThrownBy(() -> new ApplyResult.Failed(1, 0, 1062, "2300", "dup")).hasMessageContaining("sqlState");
        assertThat(new ApplyResult.Applied(3, List.of(1L, 2L)).affectedRows()).containsExactly(1L, 2L);
        assertThatThrownBy(() -> new CommitResult(1, 0)).hasMessageContaining("index");
        assertThat(ClusterRole.localOnly("n1", new java.net.InetSocketAddress("127.0.0.1", 3307)).isLeader()).isTrue();
        assertThat(new ClusterException(ClusterException.Reason.NO_QUORUM, "no quorum").reason())
                .isEqualTo(ClusterException.Reason.NO_QUORUM);
    }

    @Test
    void classificationCombinesMostDemandingKind() {
        Classification set = classification(StatementKind.SESSION, "SET", 0, 10,
                EnumSet.noneOf(Determinism.class));
        Classification insert = classification(StatementKind.WRITE, "INSERT", 11, 30,
                EnumSet.of(Determinism.UUID));
        Classification select = classification(StatementKind.READ, "SELECT", 31, 40,
                EnumSet.of(Determinism.NEEDS_TIMESTAMP));
        Classification combined = Classification.combine(List.of(set, insert, select));
        assertThat(combined.kind()).isEqualTo(StatementKind.WRITE);
        assertThat(combined.keyword()).isEqualTo("SET");
        assertThat(combined.determinism()).containsExactlyInAnyOrder(Determinism.UUID, Determinism.NEEDS_TIMESTAMP);
        assertThat(combined.unsafeForReplication()).isTrue();
        assertThat(combined.start()).isZero();
        assertThat(combined.end()).isEqualTo(40);
        assertThat(combined.statementCount()).isEqualTo(3);
        assertThat(combined.multiStatement()).isTrue();
        assertThat(Classification.combine(List.of(set))).isSameAs(set);
        assertThatThrownBy(() -> Classification.combine(List.of())).hasMessageContaining("at least one");
    }

    private static Classification classification(StatementKind kind, String keyword, int start, int end,
            Set<Determinism> determinism) {
        return new Classification(kind, keyword, false, determinism, TransactionEffect.NONE, Optional.empty(),
                List.of(), false, start, end, 1);
    }

    private static SessionContext session() {
        return new SessionContext(Optional.of("app"), "STRICT_TRANS_TABLES", "+00:00", "utf8mb4", "utf8mb4",
                Optional.empty(), "utf8mb4_general_ci", true, true, 1, 1, Map.of("z_var", "1", "a_var", "'x'"));
    }
}

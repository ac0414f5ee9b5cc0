package io.fluxdb.engine.mysql.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.spi.AccessMode;
import io.fluxdb.engine.spi.Classification;
import io.fluxdb.engine.spi.Determinism;
import io.fluxdb.engine.spi.StatementKind;
import io.fluxdb.engine.spi.TransactionEffect;
import io.fluxdb.engine.spi.VariableAssignment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs every case of {@code classifier-cases.tsv}; the file's header explains the columns. */
class ClassifierCasesTest {

    private static final MySqlStatementClassifier CLASSIFIER = new MySqlStatementClassifier();

    private static final Map<String, Determinism> FLAGS = Map.of(
            "TIMESTAMP", Determinism.NEEDS_TIMESTAMP,
            "RAND", Determinism.NEEDS_RAND_SEED,
            "LAST_INSERT_ID", Determinism.NEEDS_LAST_INSERT_ID,
            "USERVAR", Determinism.USER_VARIABLES,
            "UUID", Determinism.UUID,
            "SYSDATE", Determinism.SYSDATE,
            "LOCK", Determinism.ADVISORY_LOCK,
            "UNSAFE", Determinism.UNSAFE_FUNCTION,
            "LIMIT", Determinism.LIMIT_WITHOUT_ORDER_BY);

    static Stream<Arguments> cases() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        try (InputStream in = ClassifierCasesTest.class.getResourceAsStream("/classifier-cases.tsv")) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                if (line.startsWith("#") || line.isEmpty()) {
                    continue;
                }
                String[] columns = line.split("\t", -1);
                if (columns.length < 3) {
                    throw new IllegalStateException("classifier-cases.tsv:" + (i + 1) + ": expected at least 3 columns");
                }
                String sql = columns[0].replace("{NL}", "\n").replace("{TAB}", "\t");
                cases.add(Arguments.of(i + 1, sql, List.of(columns).subList(1, columns.length)));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "line {0}: {1}")
    @MethodSource("cases")
    void classifies(int line, String sql, List<String> expected) {
        Classification c = CLASSIFIER.classify(sql);
        String where = "line " + line + ": " + sql + " -> " + c;

        assertThat(c.kind()).as(where).isEqualTo(StatementKind.valueOf(expected.get(0)));
        EnumSet<Determinism> flags = EnumSet.noneOf(Determinism.class);
        if (!expected.get(1).equals("-")) {
            for (String flag : expected.get(1).split(",")) {
                flags.add(FLAGS.getOrDefault(flag, null) != null ? FLAGS.get(flag) : Determinism.valueOf(flag));
            }
        }
        assertThat(c.determinism()).as(where).containsExactlyInAnyOrderElementsOf(flags);

        boolean commit = false;
        boolean temporary = false;
        TransactionEffect tx = TransactionEffect.NONE;
        Optional<String> database = Optional.empty();
        int count = 1;
        List<VariableAssignment> assignments = new ArrayList<>();
        List<String> reads = List.of();
        List<String> assigns = List.of();
        AccessMode access = AccessMode.UNCHANGED;
        for (String extra : expected.subList(2, expected.size())) {
            int eq = extra.indexOf('=');
            String key = eq < 0 ? extra : extra.substring(0, eq);
            String value = eq < 0 ? "" : extra.substring(eq + 1);
            switch (key) {
                case "commit" -> commit = true;
                case "temp" -> temporary = true;
                case "tx" -> tx = TransactionEffect.valueOf(value);
                case "db" -> database = Optional.of(value);
                case "n" -> count = Integer.parseInt(value);
                case "kw" -> assertThat(c.keyword()).as(where).isEqualTo(value);
                case "reads" -> reads = List.of(value.split(","));
                case "assigns" -> assigns = List.of(value.split(","));
                case "access" -> access = AccessMode.valueOf(value);
                case "set" -> {
                    int colon = value.indexOf(':');
                    int assign = value.indexOf('=', colon);
                    assignments.add(new VariableAssignment(VariableAssignment.Scope.valueOf(value.substring(0, colon)),
                            value.substring(colon + 1, assign), value.substring(assign + 1)));
                }
                case "" -> {
                    // trailing tab
                }
                default -> throw new IllegalStateException("line " + line + ": unknown extra " + extra);
            }
        }
        assertThat(c.implicitCommit()).as(where + " implicitCommit").isEqualTo(commit);
        assertThat(c.temporaryTable()).as(where + " temporaryTable").isEqualTo(temporary);
        assertThat(c.transaction()).as(where).isEqualTo(tx);
        assertThat(c.database()).as(where).isEqualTo(database);
        assertThat(c.statementCount()).as(where).isEqualTo(count);
        assertThat(c.userVariablesRead()).as(where + " userVariablesRead").containsExactlyElementsOf(reads);
        assertThat(c.userVariablesAssigned()).as(where + " userVariablesAssigned").containsExactlyElementsOf(assigns);
        assertThat(c.accessMode()).as(where + " accessMode").isEqualTo(access);
        if (!assignments.isEmpty()) {
            assertThat(c.assignments()).as(where).containsExactlyElementsOf(assignments);
        }
    }
}

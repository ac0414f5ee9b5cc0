package io.fluxdb.engine.mysql.sql;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.mysql.sql.DiagnosticsRewrite.Diagnostics;
import io.fluxdb.engine.mysql.sql.ValueRewrite.Rewritten;
import io.fluxdb.engine.spi.ParseContext;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DiagnosticsRewriteTest {
    private static final Diagnostics AFTER_INSERT = new Diagnostics(2, 1, 0);

    private static Optional<String> rewrite(String sql) {
        return rewrite(sql, ParseContext.DEFAULT, AFTER_INSERT);
    }

    private static Optional<String> rewrite(String sql, ParseContext context, Diagnostics values) {
        return ValueRewrite.rewrite(sql.getBytes(UTF_8), context, values)
                .map(r -> new String(r.statement(), UTF_8));
    }

    @Test
    void aBareCallKeepsItsColumnNameAndType() {
        assertThat(rewrite("SELECT ROW_COUNT()"))
                .contains("SELECT IF(FALSE, ROW_COUNT(), 2) AS `ROW_COUNT()`");
        assertThat(rewrite("select row_count( ) ;"))
                .contains("select IF(FALSE, row_count( ), 2) AS `row_count( )` ;");
    }

    @Test
    void systemVariablesTakeTheirCountsAsUnsigned() {
        assertThat(rewrite("SELECT @@warning_count, @@session.error_count"))
                .contains("SELECT IF(FALSE, @@warning_count, CAST(1 AS UNSIGNED)) AS `@@warning_count`,"
                        + " IF(FALSE, @@session.error_count, CAST(0 AS UNSIGNED)) AS `@@session.error_count`");
    }

    @Test
    void anUnknownCountIsLeftToTheEngine() {
        assertThat(rewrite("SELECT @@warning_count", ParseContext.DEFAULT, new Diagnostics(-1, -1, -1))).isEmpty();
        assertThat(rewrite("SELECT @@warning_count, ROW_COUNT()", ParseContext.DEFAULT, new Diagnostics(-1, -1, -1)))
                .contains("SELECT @@warning_count, IF(FALSE, ROW_COUNT(), -1) AS `ROW_COUNT()`");
    }

    @Test
    void anAliasedItemKeepsItsAliasAndAnExpressionIsNamedAfterItsWholeText() {
        assertThat(rewrite("SELECT ROW_COUNT() AS n, ROW_COUNT() m, ROW_COUNT() 'q', ROW_COUNT() + 1, 7"))
                .contains("SELECT IF(FALSE, ROW_COUNT(), 2) AS n, IF(FALSE, ROW_COUNT(), 2) m,"
                        + " IF(FALSE, ROW_COUNT(), 2) 'q', IF(FALSE, ROW_COUNT(), 2) + 1 AS `ROW_COUNT() + 1`, 7");
        assertThat(rewrite("SELECT ROW_COUNT() IS NULL, CASE WHEN ROW_COUNT() > 0 THEN 'y' END"))
                .contains("SELECT IF(FALSE, ROW_COUNT(), 2) IS NULL AS `ROW_COUNT() IS NULL`,"
                        + " CASE WHEN IF(FALSE, ROW_COUNT(), 2) > 0 THEN 'y' END"
                        + " AS `CASE WHEN ROW_COUNT() > 0 THEN 'y' END`");
    }

    @Test
    void theItemListEndsAtFromAndNamesATable() {
        Rewritten r = ValueRewrite.rewrite("SELECT DISTINCT ROW_COUNT(), id FROM t WHERE ROW_COUNT() > 0"
                .getBytes(UTF_8), ParseContext.DEFAULT, AFTER_INSERT).orElseThrow();
        assertThat(new String(r.statement(), UTF_8)).isEqualTo("SELECT DISTINCT IF(FALSE, ROW_COUNT(), 2)"
                + " AS `ROW_COUNT()`, id FROM t WHERE IF(FALSE, ROW_COUNT(), 2) > 0");
        assertThat(r.namesNoTable()).isFalse();
        assertThat(ValueRewrite.rewrite("SELECT ROW_COUNT()".getBytes(UTF_8), ParseContext.DEFAULT,
                AFTER_INSERT).orElseThrow().namesNoTable()).isTrue();
    }

    @Test
    void setAndDoAreRewrittenWithoutAliases() {
        assertThat(rewrite("SET @n = ROW_COUNT(), @w = @@warning_count"))
                .contains("SET @n = IF(FALSE, ROW_COUNT(), 2), @w = IF(FALSE, @@warning_count, CAST(1 AS UNSIGNED))");
        assertThat(rewrite("DO ROW_COUNT()")).contains("DO IF(FALSE, ROW_COUNT(), 2)");
    }

    @Test
    void stringsCommentsQualifiedNamesAndOtherStatementsAreLeftAlone() {
        assertThat(rewrite("SELECT 'ROW_COUNT()', `row_count`")).isEmpty();
        assertThat(rewrite("SELECT 1 /* ROW_COUNT() */")).isEmpty();
        assertThat(rewrite("SELECT db.row_count()")).isEmpty();
        assertThat(rewrite("SELECT row_count FROM stats")).isEmpty();
        assertThat(rewrite("UPDATE t SET n = ROW_COUNT()")).isEmpty();
        assertThat(rewrite("SELECT ROW_COUNT(); SELECT 1")).as("more than one statement").isEmpty();
        assertThat(rewrite("SELECT @@global.warning_count")).isEmpty();
    }

    @Test
    void aBackslashInAStringIsReadAsTheSessionsSqlModeReadsIt() {
        // Without NO_BACKSLASH_ESCAPES, \' does not end the string, so the call is inside it.
        assertThat(rewrite("SELECT 'a\\', ROW_COUNT() '")).isEmpty();
        assertThat(rewrite("SELECT 'a\\', ROW_COUNT() '", new ParseContext("NO_BACKSLASH_ESCAPES", "utf8mb4"),
                AFTER_INSERT)).contains("SELECT 'a\\', IF(FALSE, ROW_COUNT(), 2) '");
    }

    @Test
    void bytesOfOtherCharacterSetsPassUnchangedAndItemsWithThemAreNotAliased() {
        byte[] latin1 = "SELECT ROW_COUNT() AS n, 'caf\u00e9' FROM t".getBytes(ISO_8859_1);
        Rewritten r = ValueRewrite.rewrite(latin1, new ParseContext("", "latin1"), AFTER_INSERT).orElseThrow();
        assertThat(new String(r.statement(), ISO_8859_1))
                .isEqualTo("SELECT IF(FALSE, ROW_COUNT(), 2) AS n, 'caf\u00e9' FROM t");
        assertThat(rewrite("SELECT CONCAT('\u00e9', ROW_COUNT())"))
                .contains("SELECT CONCAT('\u00e9', IF(FALSE, ROW_COUNT(), 2))");
    }

    @Test
    void aStatementThatReadsThemLeavesMinusOneAfterASelectAndZeroAfterASetAsMariaDbDoes() {
        assertThat(AFTER_INSERT.afterReading(true)).isEqualTo(new Diagnostics(-1, 1, 0));
        assertThat(AFTER_INSERT.afterReading(false)).isEqualTo(new Diagnostics(0, 1, 0));
    }
}

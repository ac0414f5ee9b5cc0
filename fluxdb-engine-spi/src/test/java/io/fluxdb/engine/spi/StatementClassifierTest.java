package io.fluxdb.engine.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StatementClassifierTest {

    /** A classifier that knows nothing of contexts: it reports the text it was given as the keyword. */
    private final StatementClassifier echo = sql -> List.of(new Classification(StatementKind.WRITE, sql, false,
            Set.of(), TransactionEffect.NONE, Optional.empty(), List.of(), false, 0, sql.length(), 1));

    @Test
    void defaultsDecodeBytesInTheContextsCharacterSet() {
        Charset gbk = Charset.forName("GBK");
        ByteBuffer bytes = ByteBuffer.wrap("SELECT '表'".getBytes(gbk));
        assertThat(echo.classify(bytes, new ParseContext("", "GBK")).keyword()).isEqualTo("SELECT '表'");
        assertThat(bytes.position()).isZero();
        ByteBuffer utf8 = ByteBuffer.wrap("SELECT 'é'".getBytes(StandardCharsets.UTF_8));
        assertThat(echo.classify(utf8, new ParseContext("", "no-such-charset")).keyword()).isEqualTo("SELECT 'é'");
        assertThat(echo.classify("SELECT 1", ParseContext.DEFAULT).keyword()).isEqualTo("SELECT 1");
        assertThatThrownBy(() -> echo.classifyAll("SELECT 1", null)).hasMessage("context is null");
        assertThatThrownBy(() -> echo.classifyAll((ByteBuffer) null, ParseContext.DEFAULT))
                .hasMessage("sql is null");
    }

    @Test
    void parseContextIsValidated() {
        assertThatThrownBy(() -> new ParseContext(null, "utf8mb4")).hasMessage("sqlMode is null");
        assertThatThrownBy(() -> new ParseContext("", null)).hasMessage("characterSet is null");
        assertThatThrownBy(() -> new ParseContext("", " ")).hasMessageContaining("characterSet");
        ParseContext context = ParseContext.DEFAULT.withSqlMode("ANSI_QUOTES").withCharacterSet("gbk");
        assertThat(context).isEqualTo(new ParseContext("ANSI_QUOTES", "gbk"));
    }

    @Test
    void combineUnitesUserVariablesAndKeepsTheMostPermissiveAccessMode() {
        Classification set = new Classification(StatementKind.SESSION, "SET", false, Set.of(Determinism.USER_VARIABLES),
                TransactionEffect.NONE, Optional.empty(), List.of(), false, 0, 10, 1, List.of("b"), List.of("a"),
                AccessMode.READ_WRITE);
        Classification insert = new Classification(StatementKind.WRITE, "INSERT", false,
                Set.of(Determinism.USER_VARIABLES), TransactionEffect.NONE, Optional.empty(), List.of(), false, 11, 30,
                1, List.of("a", "b"), List.of(), AccessMode.UNCHANGED);
        Classification readOnly = new Classification(StatementKind.SESSION, "SET", false, Set.of(),
                TransactionEffect.NONE, Optional.empty(), List.of(), false, 31, 40, 1, List.of(), List.of("c"),
                AccessMode.READ_ONLY);
        Classification combined = Classification.combine(List.of(set, insert, readOnly));
        assertThat(combined.userVariablesRead()).containsExactly("b", "a");
        assertThat(combined.userVariablesAssigned()).containsExactly("a", "c");
        assertThat(combined.accessMode()).isEqualTo(AccessMode.READ_WRITE);
        assertThat(combined.kind()).isEqualTo(StatementKind.WRITE);
    }

    @Test
    void theShortConstructorReadsNoVariablesAndChangesNoAccessMode() {
        Classification c = new Classification(StatementKind.READ, "SELECT", false, Set.of(), TransactionEffect.NONE,
                Optional.empty(), List.of(), false, 0, 8, 1);
        assertThat(c.userVariablesRead()).isEmpty();
        assertThat(c.userVariablesAssigned()).isEmpty();
        assertThat(c.accessMode()).isEqualTo(AccessMode.UNCHANGED);
        assertThatThrownBy(() -> new Classification(StatementKind.READ, "SELECT", false, Set.of(),
                TransactionEffect.NONE, Optional.empty(), List.of(), false, 0, 8, 1, null, List.of(),
                AccessMode.UNCHANGED)).hasMessage("userVariablesRead is null");
        assertThat(Determinism.LOCAL_INFILE.fixable()).isTrue();
        assertThat(Determinism.SEQUENCE.fixable()).isFalse();
        assertThat(Determinism.AMBIGUOUS_TEXT.fixable()).isFalse();
    }
}

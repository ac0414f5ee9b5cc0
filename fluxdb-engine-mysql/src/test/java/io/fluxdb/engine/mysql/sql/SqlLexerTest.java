package io.fluxdb.engine.mysql.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlLexerTest {

    private static final Reading DEFAULT = Reading.of(SqlMode.NONE, "utf8mb4", false, Reading.Versions.ALL);

    @Test
    void tokenTypes() {
        assertThat(tokens("SELECT `a b`, 'x''y', \"z\", 12.5, @v, @@session.x, ? FROM t"))
                .containsExactly("WORD:SELECT", "QUOTED_ID:`a b`", "PUNCT:,", "STRING:'x''y'", "PUNCT:,",
                        "STRING:\"z\"", "PUNCT:,", "NUMBER:12.5", "PUNCT:,", "USER_VAR:@v", "PUNCT:,",
                        "SYS_VAR:@@session.x", "PUNCT:,", "PUNCT:?", "WORD:FROM", "WORD:t");
    }

    @Test
    void accountHostIsNotAUserVariable() {
        assertThat(tokens("'bob'@'%' bob@localhost `bob`@`h-1` x, @y"))
                .containsExactly("STRING:'bob'", "HOST:@'%'", "WORD:bob", "HOST:@localhost", "QUOTED_ID:`bob`",
                        "HOST:@`h-1`", "WORD:x", "PUNCT:,", "USER_VAR:@y");
    }

    @Test
    void operators() {
        assertThat(tokens("a:=b<=>c<=d!=e<>f||g&&h->i->>j"))
                .containsExactly("WORD:a", "PUNCT::=", "WORD:b", "PUNCT:<=>", "WORD:c", "PUNCT:<=", "WORD:d",
                        "PUNCT:!=", "WORD:e", "PUNCT:<>", "WORD:f", "PUNCT:||", "WORD:g", "PUNCT:&&", "WORD:h",
                        "PUNCT:->", "WORD:i", "PUNCT:->>", "WORD:j");
    }

    @Test
    void commentsAreSkippedAndExecutableCommentsAreRead() {
        assertThat(tokens("-- c\n#c\n/* c */ a /*!40101 b */ c /*+ hint */ d --x")).containsExactly(
                "WORD:a", "WORD:b", "WORD:c", "WORD:d", "PUNCT:-", "PUNCT:-", "WORD:x");
        assertThat(tokens("/*!b*/ /*M!100100 c */")).containsExactly("WORD:b", "WORD:c");
    }

    @Test
    void backslashEscapesInStringsButNotInIdentifiers() {
        assertThat(tokens("'a\\'b' `c\\` d")).containsExactly("STRING:'a\\'b'", "QUOTED_ID:`c\\`", "WORD:d");
    }

    @Test
    void unterminatedTokensEndAtTheEnd() {
        assertThat(tokens("'abc")).containsExactly("STRING:'abc");
        assertThat(tokens("`abc")).containsExactly("QUOTED_ID:`abc");
        assertThat(tokens("a /* b")).containsExactly("WORD:a");
        assertThat(tokens("@")).containsExactly("PUNCT:@");
        assertThat(tokens("'a\\")).containsExactly("STRING:'a\\");
    }

    @Test
    void markAndReset() {
        SqlLexer lx = new SqlLexer("/*!40101 a */ b", 0, 15, DEFAULT);
        long mark = lx.mark();
        lx.next();
        assertThat(lx.text().substring(lx.start, lx.end)).isEqualTo("a");
        lx.reset(mark);
        lx.next();
        lx.next();
        assertThat(lx.text().substring(lx.start, lx.end)).isEqualTo("b");
    }

    private static List<String> tokens(String sql) {
        String[] names = {"EOF", "WORD", "QUOTED_ID", "STRING", "NUMBER", "USER_VAR", "SYS_VAR", "HOST", "PUNCT"};
        SqlLexer lx = new SqlLexer(sql, 0, sql.length(), DEFAULT);
        List<String> out = new ArrayList<>();
        for (int t = lx.next(); t != SqlLexer.EOF; t = lx.next()) {
            out.add(names[t] + ":" + sql.substring(lx.start, lx.end));
        }
        return out;
    }
}

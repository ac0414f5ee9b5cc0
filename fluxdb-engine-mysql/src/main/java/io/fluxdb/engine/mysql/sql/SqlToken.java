package io.fluxdb.engine.mysql.sql;

import java.util.ArrayList;
import java.util.List;

/** One token of a statement: its {@link SqlLexer} type and where it is in the text. */
record SqlToken(int type, int start, int end) {

    /**
     * The tokens of one statement, a trailing semicolon left out; null when the text holds more than one statement.
     */
    static List<SqlToken> ofOneStatement(String sql, Reading reading) {
        List<SqlToken> tokens = new ArrayList<>();
        SqlLexer lx = new SqlLexer(sql, 0, sql.length(), reading);
        boolean ended = false;
        for (int t = lx.next(); t != SqlLexer.EOF; t = lx.next()) {
            if (t == SqlLexer.PUNCT && sql.charAt(lx.start) == ';') {
                ended = true;
                continue;
            }
            if (ended) {
                return null;
            }
            tokens.add(new SqlToken(t, lx.start, lx.end));
        }
        return tokens;
    }

    String text(String sql) {
        return sql.substring(start, end);
    }

    boolean isWord(String sql, String word) {
        return type == SqlLexer.WORD && end - start == word.length() && sql.regionMatches(true, start, word, 0,
                word.length());
    }

    boolean isPunct(String sql, char c) {
        return type == SqlLexer.PUNCT && end - start == 1 && sql.charAt(start) == c;
    }

    boolean isName() {
        return type == SqlLexer.WORD || type == SqlLexer.QUOTED_ID;
    }
}

package io.fluxdb.engine.mysql.sql;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.util.Objects.requireNonNull;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns statement bytes into text for the log when some string literals hold bytes that are not valid in the
 * client's character set, as a BLOB sent inline by a driver does ({@code _binary'<raw bytes>'}). The log carries
 * text, so each such literal becomes a hex literal with the literal's exact value bytes: {@code _binary'..'} becomes
 * {@code _binary X'..'}, {@code _latin1'..'} becomes {@code _latin1 X'..'}, and a literal without introducer becomes
 * {@code _binary X'..'}. The engine stores the same bytes from either form; a literal without introducer turns from a
 * string in the connection's character set into a binary string, which compares bytewise (see the replication
 * design's "Refused writes").
 *
 * <p>Only literals in the place of a plain value are rewritten: after an operator, an opening parenthesis, a comma,
 * or a keyword that a value follows ({@code VALUES}, {@code WHERE}, {@code THEN}...). Anywhere else (an alias, a
 * temporal literal such as {@code DATE'..'}, {@code N'..'}, an account name) a hex literal would mean something else
 * or not parse, so the text is refused, as it is when invalid bytes stand outside string literals (in an identifier
 * or a comment).
 *
 * @see <a href="https://mariadb.com/kb/en/string-literals/">MariaDB: String Literals</a>
 */
public final class BinaryLiterals {

    /** What to log: the text, or why the statement cannot be logged exactly. */
    public sealed interface Result {
    }

    /** The statement as text for the log. */
    public record Logged(String sql) implements Result {
    }

    /** The statement cannot be logged exactly. */
    public record Refused(String reason) implements Result {
    }

    /** Keywords after which a string literal is a plain value. */
    private static final Set<String> VALUE_KEYWORDS = Set.of("VALUES", "VALUE", "SELECT", "WHERE", "AND", "OR",
            "XOR", "NOT", "LIKE", "BETWEEN", "CASE", "WHEN", "THEN", "ELSE", "HAVING", "REGEXP", "RLIKE", "DIV",
            "MOD", "RETURN", "DISTINCT");
    /**
     * Punctuation after which a string literal is not a value: an alias after {@code )}, a qualified name, a JSON
     * path after {@code ->}.
     */
    private static final Set<String> NOT_BEFORE_VALUE = Set.of(")", ".", ";", "?", "@", "->", "->>");

    private final byte[] bytes;
    private final int offset;
    private final String raw;
    private final Reading reading;
    private final Charset charset;
    private final boolean plainLiteralsAreBytes;
    private final StringBuilder out = new StringBuilder();

    /**
     * How the session reads text.
     *
     * @param characterSetClient {@code character_set_client}
     * @param characterSetConnection {@code character_set_connection}, what literals without introducer become
     * @param charset the Java charset that decodes {@code characterSetClient}
     * @param sqlMode {@code sql_mode}
     */
    public record Session(String characterSetClient, String characterSetConnection, Charset charset, String sqlMode) {
        public Session {
            requireNonNull(characterSetClient, "characterSetClient is null");
            requireNonNull(characterSetConnection, "characterSetConnection is null");
            requireNonNull(charset, "charset is null");
            requireNonNull(sqlMode, "sqlMode is null");
        }

        /**
         * Whether a string without introducer (a literal, or a string-typed parameter) whose bytes are not valid in
         * the client's character set reached the leader's engine with those bytes: only when the engine did not
         * convert it (the connection's character set is the client's) and Java's reading of the character set is
         * the engine's (utf8mb3, utf8mb4; binary, where nothing above 0x7F is a character).
         */
        public boolean plainStringsKeepTheirBytes() {
            String client = MySqlCharsets.normalize(characterSetClient);
            return client.equals(MySqlCharsets.normalize(characterSetConnection))
                    && (client.startsWith("utf8") || client.equals("binary"));
        }
    }

    private BinaryLiterals(byte[] bytes, int offset, Reading reading, boolean plainLiteralsAreBytes) {
        this.bytes = bytes;
        this.offset = offset;
        this.raw = new String(bytes, offset, bytes.length - offset, ISO_8859_1);
        this.reading = reading;
        this.charset = reading.charset();
        this.plainLiteralsAreBytes = plainLiteralsAreBytes;
    }

    /** The text to log for statement bytes {@code bytes} from {@code offset}, sent in {@code session}. */
    public static Result toLog(byte[] bytes, int offset, Session session) {
        requireNonNull(bytes, "bytes is null");
        String name = MySqlCharsets.normalize(session.characterSetClient());
        Reading reading = new Reading(SqlMode.parse(session.sqlMode()), name, MySqlCharsets.multiByte(name),
                session.charset(), Reading.Versions.ALL);
        return new BinaryLiterals(bytes, offset, reading, session.plainStringsKeepTheirBytes()).rewrite();
    }

    private Result rewrite() {
        SqlLexer lexer = new SqlLexer(raw, 0, raw.length(), reading);
        int copied = 0;
        // The two tokens before the current one: an introducer, and what precedes the introducer.
        Token before = Token.NONE;
        Token last = Token.NONE;
        int type;
        while ((type = lexer.next()) != SqlLexer.EOF) {
            if (type != SqlLexer.STRING) {
                before = last;
                last = new Token(type, lexer.start, lexer.end);
                continue;
            }
            // A run of adjacent literals is one value ('a' 'b' is 'ab'): it is kept or rewritten as a whole.
            int runStart = lexer.start;
            List<Token> run = new ArrayList<>();
            long mark;
            boolean allValid = true;
            do {
                run.add(new Token(SqlLexer.STRING, lexer.start, lexer.end));
                allValid &= valid(lexer.start, lexer.end);
                mark = lexer.mark();
            } while (lexer.next() == SqlLexer.STRING);
            boolean accountName = lexer.type == SqlLexer.HOST;
            boolean collated = lexer.type == SqlLexer.WORD
                    && raw.substring(lexer.start, lexer.end).equalsIgnoreCase("COLLATE");
            lexer.reset(mark);
            int runEnd = run.getLast().end;
            if (allValid) {
                before = last;
                last = new Token(SqlLexer.STRING, runStart, runEnd);
                continue;
            }
            if (accountName) {
                return notAValue("an account name");
            }
            // A value is never longer than its literals: one array, filled once, even for a 4 MiB BLOB.
            Value value = new Value(runEnd - runStart);
            for (Token literal : run) {
                if (!unescape(literal.start, literal.end, value)) {
                    return new Refused("a string literal with bytes not valid in " + reading.characterSet()
                            + " is not terminated");
                }
            }
            String introducer = introducer(last);
            Token context = introducer == null ? last : before;
            String why = notValueContext(context, runStart);
            if (why != null) {
                return notAValue(why);
            }
            if (introducer == null && !plainLiteralsAreBytes) {
                return new Refused("a string literal without introducer holds bytes not valid in "
                        + reading.characterSet() + ", which the engine may have converted; only when the client's and"
                        + " the connection's character sets are the same utf8mb3, utf8mb4 or binary does it keep them"
                        + " (write _binary'..' or X'..')");
            }
            if (collated && (introducer == null || introducer.equals("binary"))) {
                return new Refused("a string literal with bytes not valid in " + reading.characterSet()
                        + " has a COLLATE, which its hex form, a binary string, does not take");
            }
            byte[] valueBytes = value.toArray();
            if (introducer != null && !representable(introducer, valueBytes)) {
                return new Refused("the literal's bytes are not valid in its introducer's character set "
                        + introducer + ", and the engine refuses them as a hex literal");
            }
            int literalStart = introducer == null ? runStart : last.start;
            if (!appendDecoded(copied, literalStart)) {
                return outsideLiterals();
            }
            out.append(introducer == null ? "_binary" : raw.substring(last.start, last.end));
            out.ensureCapacity(out.length() + 2 * valueBytes.length + 12);
            HexFormat.of().withUpperCase().formatHex(out.append(" X'"), valueBytes).append('\'');
            copied = runEnd;
            before = last;
            last = new Token(SqlLexer.STRING, runStart, runEnd);
        }
        if (!appendDecoded(copied, raw.length())) {
            return outsideLiterals();
        }
        return new Logged(out.toString());
    }

    /** A token's type and bounds; {@link #NONE} before the first. */
    private record Token(int type, int start, int end) {
        static final Token NONE = new Token(SqlLexer.EOF, 0, 0);
    }

    /** The introducer's character set if {@code t} is one ({@code _binary}, {@code _latin1}...), else null. */
    private String introducer(Token t) {
        if (t.type != SqlLexer.WORD || raw.charAt(t.start) != '_') {
            return null;
        }
        String name = raw.substring(t.start + 1, t.end).toLowerCase(Locale.ROOT);
        return name.equals("binary") || MySqlCharsets.known(name) ? name : null;
    }

    /** Why a literal after {@code t} is not a plain value, or null if it is one. */
    private String notValueContext(Token t, int literalStart) {
        String text = raw.substring(t.start, t.end);
        return switch (t.type) {
            case SqlLexer.PUNCT -> NOT_BEFORE_VALUE.contains(text) ? "a name or an alias" : null;
            case SqlLexer.WORD -> {
                if (t.end == literalStart && text.length() == 1) {
                    yield "an N'..', X'..' or B'..' literal";
                }
                String word = text.toUpperCase(Locale.ROOT);
                yield VALUE_KEYWORDS.contains(word) ? null
                        : "what follows " + word + " (an alias, a temporal literal, an option)";
            }
            case SqlLexer.EOF -> "the start of the statement";
            default -> "an alias";
        };
    }

    private Refused notAValue(String where) {
        return new Refused("a string literal with bytes not valid in " + reading.characterSet() + " stands in "
                + where + ", where a hex literal of its bytes would not mean the same");
    }

    private Refused outsideLiterals() {
        return new Refused("bytes not valid in " + reading.characterSet()
                + " stand outside string values (in a name, a comment or a literal that is not a value)");
    }

    /** Whether the engine takes these bytes as a hex literal with this introducer: it checks them as the charset. */
    private static boolean representable(String introducer, byte[] value) {
        if (introducer.equals("binary") || introducer.equals("latin1")) {
            return true; // every byte is a character of MySQL's latin1
        }
        return MySqlCharsets.decodeStrict(MySqlCharsets.javaCharset(introducer), value, 0, value.length) != null;
    }

    private boolean valid(int from, int to) {
        return MySqlCharsets.decodeStrict(charset, bytes, offset + from, to - from) != null;
    }

    private boolean appendDecoded(int from, int to) {
        if (from >= to) {
            return true;
        }
        String text = MySqlCharsets.decodeStrict(charset, bytes, offset + from, to - from);
        if (text == null) {
            return false;
        }
        out.append(text);
        return true;
    }

    /**
     * Appends the value of the literal token {@code [from, to)} as the engine reads it, or returns false if the token
     * is not terminated. Multi-byte characters are copied whole (a gbk character may end in 0x5C or 0x27); a doubled
     * quote is one quote; unless NO_BACKSLASH_ESCAPES, a backslash escapes the byte after it, where {@code \%} and
     * {@code \_} keep their backslash (they are LIKE patterns) and an unknown escape is the byte itself.
     */
    private boolean unescape(int from, int to, Value value) {
        char quote = raw.charAt(from);
        boolean backslash = !reading.mode().noBackslashEscapes();
        int i = from + 1;
        while (i < to) {
            int length = reading.multiByte().length(raw, i, to);
            if (length > 1) {
                value.add(bytes, offset + i, length);
                i += length;
                continue;
            }
            char c = raw.charAt(i);
            if (c == quote) {
                if (i + 1 < to && raw.charAt(i + 1) == quote) {
                    value.add(quote);
                    i += 2;
                    continue;
                }
                return i + 1 == to;
            }
            if (backslash && c == '\\') {
                if (i + 1 >= to) {
                    return false;
                }
                char next = raw.charAt(i + 1);
                if (next == '%' || next == '_') {
                    value.add('\\');
                }
                value.add(escaped(next));
                i += 2;
                continue;
            }
            value.add(c);
            i++;
        }
        return false;
    }

    /** The bytes of a literal's value as they are unescaped; at most {@code capacity} of them. */
    private static final class Value {
        private final byte[] data;
        private int size;

        Value(int capacity) {
            data = new byte[capacity];
        }

        void add(int b) {
            data[size++] = (byte) b;
        }

        void add(byte[] from, int at, int length) {
            System.arraycopy(from, at, data, size, length);
            size += length;
        }

        byte[] toArray() {
            return size == data.length ? data : Arrays.copyOf(data, size);
        }
    }

    private static int escaped(char c) {
        return switch (c) {
            case '0' -> 0;
            case 'b' -> '\b';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'Z' -> 0x1A;
            default -> c;
        };
    }
}

package io.fluxdb.engine.mysql.sql;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class BinaryLiteralsTest {

    private static final Charset GBK = Charset.forName("GBK");

    @Test
    void binaryIntroducerKeepsItsIntroducerAndTakesTheRawBytes() {
        assertThat(logged(utf8("INSERT INTO t VALUES (1, _binary'", 0xFF, 0x00, 0x80, "')")))
                .isEqualTo("INSERT INTO t VALUES (1, _binary X'FF0080')");
    }

    @Test
    void literalWithoutIntroducerBecomesABinaryHexLiteral() {
        assertThat(logged(utf8("UPDATE t SET b = 'a", 0xFF, "b' WHERE id = 1")))
                .isEqualTo("UPDATE t SET b = _binary X'61FF62' WHERE id = 1");
    }

    @Test
    void backslashEscapesAreUnescaped() {
        assertThat(logged(utf8("INSERT INTO t VALUES ('", 0xFF,
                "\\0\\'\\\"\\b\\n\\r\\t\\Z\\\\\\%\\_\\q''')")))
                .isEqualTo("INSERT INTO t VALUES (_binary X'FF0027220" + "80A0D091A5C5C255C5F7127')");
    }

    @Test
    void doubleQuotedStringsDoubleTheirQuote() {
        assertThat(logged(utf8("INSERT INTO t VALUES (\"", 0xFF, "\"\"'\")")))
                .isEqualTo("INSERT INTO t VALUES (_binary X'FF2227')");
    }

    @Test
    void noBackslashEscapesTakesTheBackslashAsItIs() {
        BinaryLiterals.Result result = BinaryLiterals.toLog(utf8("INSERT INTO t VALUES ('", 0xFF, "\\n\\')"), 0,
                session("utf8mb4", StandardCharsets.UTF_8, "STRICT_TRANS_TABLES,NO_BACKSLASH_ESCAPES"));
        assertThat(result).isEqualTo(new BinaryLiterals.Logged("INSERT INTO t VALUES (_binary X'FF5C6E5C')"));
    }

    @Test
    void ansiQuotesMakeDoubleQuotesAnIdentifier() {
        BinaryLiterals.Result result = BinaryLiterals.toLog(utf8("INSERT INTO \"t\" VALUES ('", 0xFF, "')"), 0,
                session("utf8mb4", StandardCharsets.UTF_8, "ANSI"));
        assertThat(result).isEqualTo(new BinaryLiterals.Logged("INSERT INTO \"t\" VALUES (_binary X'FF')"));
        // An invalid byte in a double-quoted identifier stays outside any literal.
        assertThat(BinaryLiterals.toLog(utf8("INSERT INTO \"", 0xFF, "\" VALUES (1)"), 0,
                session("utf8mb4", StandardCharsets.UTF_8, "ANSI_QUOTES"))).isInstanceOf(BinaryLiterals.Refused.class);
    }

    @Test
    void otherIntroducersAreKeptWhenTheEngineAcceptsTheBytesInThem() {
        assertThat(logged(utf8("INSERT INTO t VALUES (_latin1 'caf", 0xE9, "')")))
                .isEqualTo("INSERT INTO t VALUES (_latin1 X'636166E9')");
        // The engine refuses _utf8mb4 X'FF' ("Invalid utf8mb4 character string"): not exact, so refused.
        assertThat(refusal(utf8("INSERT INTO t VALUES (_utf8mb4'", 0xFF, "')"))).contains("introducer");
    }

    @Test
    void validLiteralsNextToAnInvalidOneStayText() {
        assertThat(logged(utf8("INSERT INTO t VALUES ('caf\u00e9', _binary'", 0xC3, "', 'x')")))
                .isEqualTo("INSERT INTO t VALUES ('caf\u00e9', _binary X'C3', 'x')");
    }

    @Test
    void adjacentLiteralsAreOneValue() {
        assertThat(logged(utf8("INSERT INTO t VALUES ('ab' '", 0xFF, "' \"c\")")))
                .isEqualTo("INSERT INTO t VALUES (_binary X'6162FF63')");
    }

    @Test
    void textThatIsValidIsDecodedUnchanged() {
        assertThat(logged(utf8("INSERT INTO t VALUES ('caf\u00e9')"))).isEqualTo("INSERT INTO t VALUES ('caf\u00e9')");
    }

    @Test
    void gbkTrailBytesAreNeitherEscapesNorQuotes() {
        // 0x95 0x5C is one gbk character whose second byte is a backslash; 0xFF is not valid gbk.
        byte[] sql = bytes("INSERT INTO t VALUES ('", 0x95, 0x5C, "', _binary'", 0x95, 0x5C, 0xFF, "')");
        BinaryLiterals.Result result = BinaryLiterals.toLog(sql, 0, session("gbk", GBK, ""));
        assertThat(result).isEqualTo(new BinaryLiterals.Logged(
                "INSERT INTO t VALUES ('" + new String(new byte[] {(byte) 0x95, 0x5C}, GBK)
                        + "', _binary X'955CFF')"));
    }

    @Test
    void otherClientCharacterSetsRewriteOnlyIntroducedLiterals() {
        // The leader's engine may know a gbk character Java's table lacks: without introducer, not provably binary.
        assertThat(BinaryLiterals.toLog(bytes("INSERT INTO t VALUES ('", 0xFF, "')"), 0, session("gbk", GBK, "")))
                .isInstanceOfSatisfying(BinaryLiterals.Refused.class, r -> assertThat(r.reason()).contains("gbk"));
        assertThat(BinaryLiterals.toLog(bytes("INSERT INTO t VALUES (_binary'", 0xFF, "')"), 0,
                session("gbk", GBK, "")))
                .isEqualTo(new BinaryLiterals.Logged("INSERT INTO t VALUES (_binary X'FF')"));
    }

    @Test
    void underTheBinaryCharacterSetEveryNonAsciiLiteralIsBytes() {
        // The front end decodes binary text as ASCII: a byte above 0x7F is no character, so the literal is bytes.
        assertThat(BinaryLiterals.toLog(bytes("INSERT INTO t VALUES ('caf", 0xC3, 0xA9, "', 'x')"), 0,
                session("binary", StandardCharsets.US_ASCII, ""))).isEqualTo(
                        new BinaryLiterals.Logged("INSERT INTO t VALUES (_binary X'636166C3A9', 'x')"));
    }

    @Test
    void aLiteralWithoutIntroducerThatTheEngineConvertsIsRefused() {
        // Client utf8mb4, connection latin1: the leader's engine stored '?' for 0xFF, even into a BLOB.
        BinaryLiterals.Session converting = new BinaryLiterals.Session("utf8mb4", "latin1", StandardCharsets.UTF_8,
                "");
        assertThat(BinaryLiterals.toLog(utf8("INSERT INTO t VALUES ('", 0xFF, "')"), 0, converting))
                .isInstanceOfSatisfying(BinaryLiterals.Refused.class,
                        r -> assertThat(r.reason()).contains("converted"));
        assertThat(BinaryLiterals.toLog(utf8("INSERT INTO t VALUES (_binary'", 0xFF, "')"), 0, converting))
                .isEqualTo(new BinaryLiterals.Logged("INSERT INTO t VALUES (_binary X'FF')"));
    }

    @Test
    void latin1TakesEveryByte() {
        // MySQL's latin1 has the five bytes Windows-1252 leaves undefined: the text is valid and stays text.
        BinaryLiterals.Result result = BinaryLiterals.toLog(bytes("INSERT INTO t VALUES ('", 0x81, 0xE9, "')"), 0,
                session("latin1", Charset.forName("windows-1252"), ""));
        assertThat(result).isEqualTo(new BinaryLiterals.Logged("INSERT INTO t VALUES ('\u0081\u00e9')"));
    }

    @Test
    void statementOffsetIsHonoured() {
        byte[] sql = utf8("\u0003INSERT INTO t VALUES (_binary'", 0xFF, "')");
        assertThat(BinaryLiterals.toLog(sql, 1, session("utf8mb4", StandardCharsets.UTF_8, "")))
                .isEqualTo(new BinaryLiterals.Logged("INSERT INTO t VALUES (_binary X'FF')"));
    }

    @Test
    void refusesWhatCannotBeRewrittenExactly() {
        assertThat(refusal(utf8("INSERT INTO t VALUES (N'", 0xFF, "')"))).contains("N'..'");
        assertThat(refusal(utf8("INSERT INTO t SELECT 1 AS '", 0xFF, "'"))).contains("AS");
        assertThat(refusal(utf8("INSERT INTO t SELECT COUNT(*) '", 0xFF, "' FROM u"))).contains("alias");
        assertThat(refusal(utf8("INSERT INTO t VALUES (DATE '", 0xFF, "')"))).contains("DATE");
        assertThat(refusal(utf8("INSERT INTO `", 0xFF, "` VALUES ('x')"))).contains("outside");
        assertThat(refusal(utf8("INSERT /* ", 0xFF, " */ INTO t VALUES (_binary'", 0xFF, "')")))
                .contains("outside");
        assertThat(refusal(utf8("INSERT INTO t VALUES ('", 0xFF))).contains("not terminated");
        assertThat(refusal(utf8("SET PASSWORD FOR '", 0xFF, "'@'%' = 'x'"))).contains("account");
        assertThat(refusal(utf8("'", 0xFF, "'"))).contains("start");
        assertThat(refusal(utf8("UPDATE t SET b = '", 0xFF, "' COLLATE utf8mb4_bin"))).contains("COLLATE");
        assertThat(logged(utf8("UPDATE t SET c = _latin1'", 0xFF, "' COLLATE latin1_bin")))
                .isEqualTo("UPDATE t SET c = _latin1 X'FF' COLLATE latin1_bin");
    }

    @Test
    void everyByteValueRoundTrips() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        StringBuilder escaped = new StringBuilder();
        for (byte b : all) {
            char c = (char) (b & 0xFF);
            switch (c) {
                case 0 -> escaped.append("\\0");
                case '\'' -> escaped.append("\\'");
                case '\\' -> escaped.append("\\\\");
                case '\n' -> escaped.append("\\n");
                case '\r' -> escaped.append("\\r");
                case 0x1A -> escaped.append("\\Z");
                default -> escaped.append(c);
            }
        }
        byte[] sql = bytes("INSERT INTO t VALUES (_binary'", escaped.toString(), "')");
        assertThat(logged(sql)).isEqualTo("INSERT INTO t VALUES (_binary X'" + HexFormat.of().withUpperCase()
                .formatHex(all) + "')");
    }

    /** A session whose connection character set is its client's. */
    private static BinaryLiterals.Session session(String characterSet, Charset charset, String sqlMode) {
        return new BinaryLiterals.Session(characterSet, characterSet, charset, sqlMode);
    }

    private static String logged(byte[] sql) {
        BinaryLiterals.Result result = BinaryLiterals.toLog(sql, 0,
                session("utf8mb4", StandardCharsets.UTF_8, "STRICT_TRANS_TABLES"));
        assertThat(result).isInstanceOf(BinaryLiterals.Logged.class);
        return ((BinaryLiterals.Logged) result).sql();
    }

    private static String refusal(byte[] sql) {
        BinaryLiterals.Result result = BinaryLiterals.toLog(sql, 0, session("utf8mb4", StandardCharsets.UTF_8, ""));
        assertThat(result).isInstanceOf(BinaryLiterals.Refused.class);
        return ((BinaryLiterals.Refused) result).reason();
    }

    /** Text parts as UTF-8, integers as single bytes. */
    private static byte[] utf8(Object... parts) {
        return join(StandardCharsets.UTF_8, parts);
    }

    /** Text parts as one byte per character, integers as single bytes. */
    private static byte[] bytes(Object... parts) {
        return join(ISO_8859_1, parts);
    }

    private static byte[] join(Charset charset, Object... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof Integer b) {
                out.write(b);
            } else {
                out.writeBytes(((String) part).getBytes(charset));
            }
        }
        return out.toByteArray();
    }
}

package io.fluxdb.engine.mysql.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.spi.Classification;
import io.fluxdb.engine.spi.Determinism;
import io.fluxdb.engine.spi.ParseContext;
import io.fluxdb.engine.spi.StatementKind;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Text that reads differently in another session context: each case is a write the engine runs that a reader
 * without the context would have missed (checked against MariaDB 10.11: the engine ran the INSERT in every case).
 */
class ClassifierContextTest {

    private static final String INSERT = "; INSERT INTO t VALUES (1); -- ";

    private final MySqlStatementClassifier classifier = MySqlStatementClassifier.forServerVersion("10.11.19-MariaDB");

    @Test
    void gbkCharacterWhoseSecondByteIsABackslash() {
        // 0x81 0x5C is one gbk character; read as UTF-8, the 0x5C escapes the closing quote and the INSERT is string.
        byte[] sql = bytes("SELECT '", "815c", "'" + INSERT + "'");
        assertThat(kinds(sql, "gbk")).containsExactly(StatementKind.READ, StatementKind.WRITE);
        assertThat(classifier.classify(new String(sql, StandardCharsets.UTF_8)).kind()).isEqualTo(StatementKind.READ);
        assertThat(classifier.classifyAll(ByteBuffer.wrap(sql), ParseContext.DEFAULT)).hasSize(1);
    }

    @Test
    void everyCharacterSetWhoseSecondBytesReachBelow0x80() {
        // big5 0xA4 0x5C, sjis and cp932 0x95 0x5C, gb18030 0x81 0x5C: one character each, the 0x5C is no escape.
        assertThat(kinds(bytes("SELECT '", "a45c", "'" + INSERT + "'"), "big5"))
                .containsExactly(StatementKind.READ, StatementKind.WRITE);
        assertThat(kinds(bytes("SELECT '", "955c", "'" + INSERT + "'"), "sjis"))
                .containsExactly(StatementKind.READ, StatementKind.WRITE);
        assertThat(kinds(bytes("SELECT '", "955c", "'" + INSERT + "'"), "cp932"))
                .containsExactly(StatementKind.READ, StatementKind.WRITE);
        assertThat(kinds(bytes("SELECT '", "815c", "'" + INSERT + "'"), "gb18030"))
                .containsExactly(StatementKind.READ, StatementKind.WRITE);
        // In a character set without such characters the same bytes are a lead byte and an escaping backslash.
        assertThat(kinds(bytes("SELECT '", "955c", "'" + INSERT + "'"), "latin1")).containsExactly(StatementKind.READ);
        assertThat(kinds(bytes("SELECT '", "815c", "'" + INSERT + "'"), "big5")).containsExactly(StatementKind.READ);
    }

    @Test
    void leadByteBeforeAQuoteIsNoCharacter() {
        // 0x27 is never a second byte: 0x81 stands alone and the quote closes the string, as in the engine.
        assertThat(kinds(bytes("SELECT 'x", "81", "'" + INSERT + "'"), "gbk"))
                .containsExactly(StatementKind.READ, StatementKind.WRITE);
        // A backslash after a lead byte that has no valid second byte there escapes as usual.
        assertThat(kinds(bytes("SELECT '", "a15c", "'" + INSERT + "'"), "sjis")).containsExactly(StatementKind.READ);
    }

    @Test
    void gbkCharacterWhoseSecondByteIsABacktick() {
        // 0x81 0x60 inside an unquoted or quoted identifier is one character; read byte by byte, the 0x60 opens or
        // closes a quoted identifier and swallows the INSERT.
        byte[] unquoted = bytes("SELECT a", "8160", " FROM t; INSERT INTO t VALUES (1); -- `");
        assertThat(kinds(unquoted, "gbk")).containsExactly(StatementKind.READ, StatementKind.WRITE);
        assertThat(kinds(unquoted, "utf8mb4")).containsExactly(StatementKind.READ);
        byte[] quoted = bytes("SELECT `a", "8160", "`; INSERT INTO t VALUES (1); -- `");
        assertThat(kinds(quoted, "gbk")).containsExactly(StatementKind.READ, StatementKind.WRITE);
        byte[] variable = bytes("SELECT @a", "8160", "; INSERT INTO t VALUES (1); -- `");
        assertThat(kinds(variable, "gbk")).containsExactly(StatementKind.READ, StatementKind.WRITE);
    }

    @Test
    void namesAndValuesAreDecodedInTheClientCharacterSet() {
        Charset gbk = Charset.forName("GBK");
        String sql = "SET @名 = '值'; USE `库`; SELECT @名";
        List<Classification> parts = classifier.classifyAll(ByteBuffer.wrap(sql.getBytes(gbk)),
                new ParseContext("", "gbk"));
        assertThat(parts.get(0).assignments().getFirst().name()).isEqualTo("名");
        assertThat(parts.get(0).assignments().getFirst().value()).isEqualTo("'值'");
        assertThat(parts.get(1).database()).contains("库");
        assertThat(parts.get(2).userVariablesRead()).containsExactly("名");
        // Positions are byte offsets in the buffer, from its position.
        byte[] encoded = sql.getBytes(gbk);
        ByteBuffer offset = ByteBuffer.allocate(encoded.length + 3).put(new byte[3]).put(encoded).flip().position(3);
        List<Classification> fromOffset = classifier.classifyAll(offset, new ParseContext("", "gbk"));
        assertThat(fromOffset.get(1).start()).isEqualTo(sql.substring(0, sql.indexOf(';') + 1).getBytes(gbk).length);
        assertThat(fromOffset.getLast().end()).isEqualTo(encoded.length);
        assertThat(offset.position()).isEqualTo(3);
    }

    @Test
    void directBuffersAreReadToo() {
        byte[] sql = bytes("SELECT '", "815c", "'" + INSERT + "'");
        ByteBuffer direct = ByteBuffer.allocateDirect(sql.length).put(sql).flip();
        assertThat(classifier.classifyAll(direct, new ParseContext("", "gbk"))).extracting(Classification::kind)
                .containsExactly(StatementKind.READ, StatementKind.WRITE);
        assertThat(direct.remaining()).isEqualTo(sql.length);
    }

    @Test
    void noBackslashEscapes() {
        String sql = "SELECT 'C:\\'" + INSERT + "'";
        assertThat(kinds(sql, "NO_BACKSLASH_ESCAPES")).containsExactly(StatementKind.READ, StatementKind.WRITE);
        assertThat(kinds(sql, "")).containsExactly(StatementKind.READ);
        assertThat(kinds("SELECT \"C:\\\"" + INSERT + "\"", "STRICT_TRANS_TABLES,NO_BACKSLASH_ESCAPES"))
                .containsExactly(StatementKind.READ, StatementKind.WRITE);
    }

    @Test
    void ansiQuotesMakeDoubleQuotesAnIdentifierWithoutEscapes() {
        String sql = "SELECT \"a\\\"" + INSERT + "\"";
        assertThat(kinds(sql, "ANSI_QUOTES")).containsExactly(StatementKind.READ, StatementKind.WRITE);
        assertThat(kinds(sql, "")).containsExactly(StatementKind.READ);
        // Combination modes that include ANSI_QUOTES, as @@sql_mode reports them or as set.
        for (String mode : List.of("ANSI", "REAL_AS_FLOAT,PIPES_AS_CONCAT,ANSI_QUOTES,IGNORE_SPACE,ANSI", "oracle",
                "DB2", "MAXDB", "POSTGRESQL", "MSSQL")) {
            assertThat(kinds(sql, mode)).as(mode).containsExactly(StatementKind.READ, StatementKind.WRITE);
        }
        Classification identifier = classifier.classify("SET \"sql_mode\" = ''",
                new ParseContext("ANSI_QUOTES", "utf8mb4"));
        assertThat(identifier.kind()).isEqualTo(StatementKind.SESSION);
        assertThat(identifier.assignments().getFirst().name()).isEqualTo("sql_mode");
    }

    @Test
    void mssqlBracketsQuoteIdentifiers() {
        String sql = "SELECT 1 AS [x']" + INSERT + "']";
        assertThat(kinds(sql, "MSSQL")).containsExactly(StatementKind.READ, StatementKind.WRITE);
        assertThat(kinds(sql, "")).containsExactly(StatementKind.READ);
        assertThat(kinds("SELECT [a]]b;c] FROM t", "MSSQL")).containsExactly(StatementKind.READ);
    }

    @Test
    void oracleSequencesAndBlocks() {
        ParseContext oracle = new ParseContext("ORACLE", "utf8mb4");
        Classification next = classifier.classify("SELECT s.nextval FROM DUAL", oracle);
        assertThat(next.kind()).isEqualTo(StatementKind.WRITE);
        assertThat(next.determinism()).containsExactly(Determinism.SEQUENCE);
        assertThat(classifier.classify("SELECT s.currval", oracle).determinism()).containsExactly(Determinism.SEQUENCE);
        assertThat(classifier.classify("SELECT s.nextval FROM DUAL").kind()).isEqualTo(StatementKind.READ);

        List<Classification> block = classifier.classifyAll("BEGIN INSERT INTO t VALUES (1); END", oracle);
        assertThat(block).singleElement().extracting(Classification::kind).isEqualTo(StatementKind.WRITE);
        assertThat(classifier.classifyAll("DECLARE x INT := 5; BEGIN INSERT INTO t VALUES (x); END; SELECT 1", oracle))
                .extracting(Classification::keyword).containsExactly("DECLARE", "SELECT");
        assertThat(classifier.classifyAll(
                "CREATE PROCEDURE p AS x INT; y INT; BEGIN SELECT a AS b FROM t; END; SELECT 2", oracle))
                .extracting(Classification::kind).containsExactly(StatementKind.DDL, StatementKind.READ);
        assertThat(classifier.classifyAll(
                "CREATE PACKAGE BODY pkg IS PROCEDURE a IS BEGIN NULL; END; FUNCTION f RETURN INT AS BEGIN RETURN 1;"
                        + " END; END; SELECT 3", oracle))
                .extracting(Classification::kind).containsExactly(StatementKind.DDL, StatementKind.READ);
        assertThat(classifier.classifyAll("CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW INSERT INTO log SELECT"
                + " NEW.a AS b FROM DUAL; SELECT 5", oracle))
                .extracting(Classification::kind).containsExactly(StatementKind.DDL, StatementKind.READ);
        assertThat(classifier.classify("BEGIN", oracle).transaction())
                .isEqualTo(io.fluxdb.engine.spi.TransactionEffect.BEGIN);
    }

    @Test
    void setNamesInTheTextChangesTheBytesThatFollow() {
        byte[] sql = bytes("SET NAMES gbk; SELECT '", "815c", "'" + INSERT + "'");
        assertThat(kinds(sql, "utf8mb4")).containsExactly(StatementKind.SESSION, StatementKind.READ,
                StatementKind.WRITE);
        byte[] back = bytes("SET NAMES gbk; SET NAMES latin1; SELECT '", "815c", "'" + INSERT + "'");
        assertThat(kinds(back, "utf8mb4")).containsExactly(StatementKind.SESSION, StatementKind.SESSION,
                StatementKind.READ);
        for (String set : List.of("SET CHARACTER SET 'gbk'", "SET character_set_client = gbk",
                "SET @@session.character_set_client = GBK", "SET NAMES gbk COLLATE gbk_bin")) {
            assertThat(kinds(bytes(set + "; SELECT '", "815c", "'" + INSERT + "'"), "utf8mb4")).as(set)
                    .containsExactly(StatementKind.SESSION, StatementKind.READ, StatementKind.WRITE);
        }
        // A global change does not change this session.
        assertThat(kinds(bytes("SET GLOBAL character_set_client = gbk; SELECT '", "815c", "'" + INSERT + "'"),
                "utf8mb4")).containsExactly(StatementKind.ADMIN, StatementKind.READ);
    }

    @Test
    void setSqlModeInTheTextChangesTheStatementsThatFollow() {
        assertThat(kinds("SET sql_mode = 'NO_BACKSLASH_ESCAPES'; SELECT 'C:\\'" + INSERT + "'", ""))
                .containsExactly(StatementKind.SESSION, StatementKind.READ, StatementKind.WRITE);
        assertThat(kinds("SET SESSION sql_mode = ANSI; SELECT \"a\\\"" + INSERT + "\"", ""))
                .containsExactly(StatementKind.SESSION, StatementKind.READ, StatementKind.WRITE);
        assertThat(kinds("SET sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES'); SELECT \"a\\\"" + INSERT + "\"",
                "STRICT_TRANS_TABLES"))
                .containsExactly(StatementKind.SESSION, StatementKind.READ, StatementKind.WRITE);
        assertThat(kinds("SET sql_mode = (SELECT REPLACE(@@sql_mode, 'NO_BACKSLASH_ESCAPES', ''));"
                + " SELECT 'C:\\'" + INSERT + "'", "NO_BACKSLASH_ESCAPES,STRICT_TRANS_TABLES"))
                .containsExactly(StatementKind.SESSION, StatementKind.READ);
        assertThat(kinds("SET sql_mode = '', sql_mode = CONCAT(@@sql_mode, 'NO_BACKSLASH_ESCAPES');"
                + " SELECT 'C:\\'" + INSERT + "'", "ANSI"))
                .containsExactly(StatementKind.SESSION, StatementKind.READ, StatementKind.WRITE);
        assertThat(kinds("SET sql_mode = \"NO_BACKSLASH_ESCAPES\"; SELECT 'C:\\'" + INSERT + "'", "ANSI_QUOTES"))
                .containsExactly(StatementKind.SESSION, StatementKind.READ, StatementKind.WRITE);
        // SET STATEMENT's values hold while its statement runs, after the engine has read it.
        assertThat(kinds("SET STATEMENT sql_mode = 'ANSI_QUOTES' FOR SELECT \"a\\\"" + INSERT + "\"", ""))
                .containsExactly(StatementKind.READ);
    }

    @Test
    void aChangeTheTextDoesNotTellMakesWhatDependsOnItAmbiguous() {
        List<Classification> parts = classifier.classifyAll("SET sql_mode = @saved; SELECT \"a\\\"" + INSERT + "\"");
        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).determinism()).doesNotContain(Determinism.AMBIGUOUS_TEXT);
        assertThat(parts.get(1).kind()).isEqualTo(StatementKind.WRITE);
        assertThat(parts.get(1).determinism()).contains(Determinism.AMBIGUOUS_TEXT);
        assertThat(parts.get(1).unsafeForReplication()).isTrue();
        // What reads alike in every mode stays as it is.
        assertThat(classifier.classifyAll("SET sql_mode = @saved; SELECT 'plain'; SELECT 2"))
                .extracting(Classification::kind).containsExactly(StatementKind.SESSION, StatementKind.READ,
                        StatementKind.READ);
        assertThat(classifier.classify("SET sql_mode = @saved; SELECT x.NEXTVAL").determinism())
                .contains(Determinism.AMBIGUOUS_TEXT);
        for (String unknown : List.of("SET sql_mode = DEFAULT", "SET sql_mode = 4", "SET sql_mode = UPPER('ansi')",
                "SET sql_mode = REPLACE(@@sql_mode, 'ANSI', '')", "SET sql_mode = CONCAT(@@global.sql_mode, 'X')")) {
            assertThat(classifier.classify(unknown + "; SELECT \"x\"", new ParseContext("ANSI_QUOTES", "utf8mb4"))
                    .determinism()).as(unknown).contains(Determinism.AMBIGUOUS_TEXT);
        }
        // An unknown character set matters only where bytes above 0x7F follow.
        byte[] ascii = "SET NAMES DEFAULT; SELECT 'a'; SELECT 2".getBytes(StandardCharsets.US_ASCII);
        assertThat(classifier.classify(ByteBuffer.wrap(ascii), ParseContext.DEFAULT).determinism()).isEmpty();
        byte[] high = bytes("SET NAMES @cs; SELECT '", "815c", "'");
        assertThat(classifier.classify(ByteBuffer.wrap(high), ParseContext.DEFAULT).determinism())
                .contains(Determinism.AMBIGUOUS_TEXT);
        // Decoded text cannot be read as gbk bytes: a switch to gbk before non-ASCII text is ambiguous.
        assertThat(classifier.classify("SET NAMES gbk; SELECT '表'").determinism()).contains(Determinism.AMBIGUOUS_TEXT);
        assertThat(classifier.classify("SET NAMES latin1; SELECT 'é'").determinism()).isEmpty();
    }

    @Test
    void nodeLocalSchemasQuotedAsTheSessionQuotesIdentifiers() {
        String ansi = "INSERT INTO t SELECT COUNT(*) FROM \"information_schema\".\"processlist\"";
        assertThat(determinism(ansi, "ANSI_QUOTES")).containsExactly(Determinism.NODE_LOCAL_TABLE);
        // Without ANSI_QUOTES these are strings, not names.
        assertThat(determinism(ansi, "")).isEmpty();
        String brackets = "INSERT INTO t SELECT COUNT(*) FROM [INFORMATION_SCHEMA] . [PROCESSLIST]";
        assertThat(determinism(brackets, "MSSQL")).containsExactly(Determinism.NODE_LOCAL_TABLE);
        assertThat(determinism("INSERT INTO t SELECT * FROM [mysql].[slow_log]", "MSSQL"))
                .containsExactly(Determinism.NODE_LOCAL_TABLE);
        // Read as bytes of the client's character set, names are decoded before they are compared.
        byte[] gbk = "INSERT INTO t SELECT COUNT(*) FROM `information_schema`.`processlist` WHERE info <> '表'"
                .getBytes(Charset.forName("GBK"));
        assertThat(classifier.classify(ByteBuffer.wrap(gbk), new ParseContext("", "gbk")).determinism())
                .containsExactly(Determinism.NODE_LOCAL_TABLE);
    }

    @Test
    void versionedCommentsInAContext() {
        ParseContext ansi = new ParseContext("ANSI_QUOTES", "utf8mb4");
        assertThat(classifier.classifyAll("/*!40101 SELECT \"a\\\" */" + INSERT + "\"", ansi))
                .extracting(Classification::kind).containsExactly(StatementKind.READ, StatementKind.WRITE);
    }

    private List<StatementKind> kinds(byte[] sql, String characterSet) {
        return classifier.classifyAll(ByteBuffer.wrap(sql), new ParseContext("", characterSet)).stream()
                .map(Classification::kind).toList();
    }

    private java.util.Set<Determinism> determinism(String sql, String sqlMode) {
        return classifier.classify(sql, new ParseContext(sqlMode, "utf8mb4")).determinism();
    }

    private List<StatementKind> kinds(String sql, String sqlMode) {
        return classifier.classifyAll(sql, new ParseContext(sqlMode, "utf8mb4")).stream()
                .map(Classification::kind).toList();
    }

    /** ASCII text, then bytes given in hex, then ASCII text. */
    private static byte[] bytes(String before, String hex, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(HexFormat.of().parseHex(hex));
        out.writeBytes(after.getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}

package io.fluxdb.engine.mysql.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.engine.spi.Classification;
import io.fluxdb.engine.spi.ParseContext;
import io.fluxdb.engine.spi.StatementKind;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MySqlStatementClassifierTest {

    private final MySqlStatementClassifier classifier = new MySqlStatementClassifier();

    @Test
    void splitPositionsCoverEachStatementWithoutItsSeparator() {
        String sql = "/* hint */ SELECT ';' ; UPDATE t SET a = 1;\nCOMMIT";
        List<Classification> parts = classifier.classifyAll(sql);
        assertThat(parts).extracting(Classification::kind)
                .containsExactly(StatementKind.READ, StatementKind.WRITE, StatementKind.TRANSACTION);
        assertThat(parts).extracting(c -> sql.substring(c.start(), c.end()))
                .containsExactly("/* hint */ SELECT ';' ", " UPDATE t SET a = 1", "\nCOMMIT");
        Classification whole = classifier.classify(sql);
        assertThat(whole.start()).isZero();
        assertThat(whole.end()).isEqualTo(sql.length());
        assertThat(whole.multiStatement()).isTrue();
        assertThat(whole.kind()).isEqualTo(StatementKind.WRITE);
    }

    @Test
    void emptyTextIsOneEmptyStatement() {
        String sql = "  -- nothing\n ; ";
        assertThat(classifier.classifyAll(sql)).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo(StatementKind.EMPTY);
            assertThat(c.keyword()).isEmpty();
            assertThat(c.end()).isEqualTo(sql.length());
        });
    }

    @Test
    void storedProgramBodyIsOneStatement() {
        String sql = "CREATE PROCEDURE p() BEGIN IF 1 THEN SELECT 1; END IF; SELECT CASE WHEN 1 THEN 2 END; END;"
                + " CALL p()";
        List<Classification> parts = classifier.classifyAll(sql);
        assertThat(parts).extracting(Classification::keyword).containsExactly("CREATE", "CALL");
        assertThat(sql.substring(parts.get(0).start(), parts.get(0).end())).endsWith("END; END");
    }

    @Test
    void versionedCommentsFollowTheServer() {
        MySqlStatementClassifier mysql8 = new MySqlStatementClassifier(80036, false);
        MySqlStatementClassifier mariaDb = new MySqlStatementClassifier(101106, true);
        String future = "/*!110000 INSERT INTO t VALUES (1) */";
        assertThat(mysql8.classify(future).kind()).isEqualTo(StatementKind.EMPTY);
        assertThat(mariaDb.classify(future).kind()).isEqualTo(StatementKind.EMPTY);
        assertThat(classifier.classify(future).kind()).isEqualTo(StatementKind.WRITE);

        // MariaDB skips /*! comments for MySQL 5.7 to 9.x, whatever its own version; /*M! ones it runs.
        String mysqlOnly = "/*!80000 INSERT INTO t VALUES (1) */";
        assertThat(mysql8.classify(mysqlOnly).kind()).isEqualTo(StatementKind.WRITE);
        assertThat(mariaDb.classify(mysqlOnly).kind()).isEqualTo(StatementKind.EMPTY);
        assertThat(mariaDb.classify("/*M!80000 INSERT INTO t VALUES (1) */").kind()).isEqualTo(StatementKind.WRITE);
        assertThat(mariaDb.classify("/*!100100 INSERT INTO t VALUES (1) */").kind()).isEqualTo(StatementKind.WRITE);

        String mariaOnly = "/*M!100100 INSERT INTO t VALUES (1) */";
        assertThat(mysql8.classify(mariaOnly).kind()).isEqualTo(StatementKind.EMPTY);
        assertThat(mariaDb.classify(mariaOnly).kind()).isEqualTo(StatementKind.WRITE);

        String sandbox = "/*M!999999\\- enable the sandbox mode */";
        assertThat(mariaDb.classify(sandbox).kind()).isEqualTo(StatementKind.EMPTY);
        assertThat(classifier.classify(sandbox).kind()).isEqualTo(StatementKind.WRITE);

        assertThat(mysql8.classify("SELECT 1 /*!50000 FOR UPDATE */").kind()).isEqualTo(StatementKind.LOCKING_READ);
        assertThat(mysql8.classify("SELECT 1 /*!90000 FOR UPDATE */").kind()).isEqualTo(StatementKind.READ);
        assertThatThrownBy(() -> new MySqlStatementClassifier(-1, false)).hasMessageContaining("serverVersion");
    }

    /**
     * A versioned comment the server skips may hold one nested comment; everything up to the second close is skipped.
     * Reading only up to the first close would take what follows it as SQL.
     */
    @Test
    void skippedVersionedCommentHoldsOneNestedComment() {
        MySqlStatementClassifier mariaDb = new MySqlStatementClassifier(101106, true);
        assertThat(mariaDb.classify("SELECT 1 /*!999999 , 2 /* x */ ; INSERT INTO t VALUES (1) */").kind())
                .isEqualTo(StatementKind.READ);
        // A skipped comment that hides the end of a string the classifier would otherwise see open.
        assertThat(mariaDb.classifyAll("SELECT 1 /*!80000 '*/; INSERT INTO t VALUES (1); -- ' */"))
                .extracting(Classification::kind).containsExactly(StatementKind.READ, StatementKind.WRITE);
        // Ordinary comments do not nest: the first */ ends them.
        assertThat(mariaDb.classify("SELECT 1 /* a /* b */ FOR UPDATE").kind()).isEqualTo(StatementKind.LOCKING_READ);
        // /*! without five digits runs its content, digits included.
        assertThat(mariaDb.classify("/*!1 INSERT INTO t VALUES (1) */").kind()).isEqualTo(StatementKind.WRITE);
        assertThat(mariaDb.classify("/*!1234 INSERT INTO t VALUES (1) */").keyword()).isEmpty();
    }

    @Test
    void serverVersionStrings() {
        String maria = "SELECT 1 /*!100500 FOR UPDATE */";
        assertThat(MySqlStatementClassifier.forServerVersion("10.11.19-MariaDB-0+deb12u1").classify(maria).kind())
                .isEqualTo(StatementKind.LOCKING_READ);
        assertThat(MySqlStatementClassifier.forServerVersion("5.5.5-10.4.2-MariaDB-log").classify(maria).kind())
                .isEqualTo(StatementKind.READ);
        assertThat(MySqlStatementClassifier.forServerVersion("10.4.2-MariaDB").classify("/*M!100300 DO 1 */").kind())
                .isEqualTo(StatementKind.WRITE);
        assertThat(MySqlStatementClassifier.forServerVersion("8.0.36").classify("/*M!100300 DO 1 */").kind())
                .isEqualTo(StatementKind.EMPTY);
        assertThat(MySqlStatementClassifier.forServerVersion("8.0.36").classify("/*!80000 DO 1 */").kind())
                .isEqualTo(StatementKind.WRITE);
        assertThat(MySqlStatementClassifier.forServerVersion("unknown").classify("/*!999999 DO 1 */").kind())
                .isEqualTo(StatementKind.WRITE);
    }

    @Test
    void largeInsertIsClassifiedInOnePass() {
        StringBuilder sql = new StringBuilder("INSERT INTO t VALUES ");
        for (int i = 0; i < 200_000; i++) {
            sql.append(i == 0 ? "" : ",").append("(").append(i).append(",'row; ").append(i).append("')");
        }
        Classification c = classifier.classify(sql.toString());
        assertThat(c.kind()).isEqualTo(StatementKind.WRITE);
        assertThat(c.statementCount()).isEqualTo(1);
        assertThat(c.determinism()).isEmpty();
    }

    @Test
    void deepNestingDoesNotOverflow() {
        String explains = "EXPLAIN ANALYZE ".repeat(10_000) + "SELECT 1";
        assertThat(classifier.classify(explains).kind()).isEqualTo(StatementKind.WRITE);
        String parens = "(".repeat(100_000) + "SELECT 1" + ")".repeat(100_000);
        assertThat(classifier.classify(parens).kind()).isEqualTo(StatementKind.READ);
        String statements = "SET STATEMENT a = 1 FOR ".repeat(1_000) + "SELECT 1";
        assertThat(classifier.classify(statements).kind()).isEqualTo(StatementKind.WRITE);
    }

    /**
     * Random text, random SQL-looking fragments and every prefix of real statements never make the classifier throw,
     * and anything that is not recognisably a read is never classified as one.
     */
    @Test
    void anyInputYieldsAClassification() {
        SplittableRandom random = new SplittableRandom(20240601);
        String[] fragments = {"SELECT", "INSERT", "UPDATE", "WITH", "SET", "(", ")", ";", "'", "\"", "`", "\\", "/*",
            "*/", "/*!", "/*M!", "/*+", "--", "-- ", "#", "\n", "@", "@@", ":=", "=", ",", "BEGIN", "END", "CASE",
            "CREATE PROCEDURE", "FOR UPDATE", "LOCK IN SHARE MODE", "NOW()", "RAND(", "x", "1", " ", "FOR", "EXPLAIN",
            "ANALYZE", "STATEMENT", "NAMES", "TRANSACTION", "USE", "\u00e9", "\uD83D\uDE00", "\u0000"};
        String alphabet = "SELECTINSERTUPDATEWITHFOR()';\"`\\/*!+-#\n@:=,. 0123456789abcdef\t\r\u00e9";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = random.nextInt(1, 20);
            for (int j = 0; j < n; j++) {
                if (random.nextBoolean()) {
                    sb.append(fragments[random.nextInt(fragments.length)]).append(random.nextBoolean() ? " " : "");
                } else {
                    sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            check(sb.toString());
        }
        for (String real : List.of(
                "/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER t BEFORE INSERT ON x "
                        + "FOR EACH ROW BEGIN SET NEW.a = 'x;y'; END */;; SELECT 1",
                "WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) UPDATE t SET a = @x := 1 LIMIT 2",
                "SET STATEMENT max_statement_time=1 FOR SELECT * FROM t FOR UPDATE; SET NAMES 'utf8' COLLATE 'x'",
                "INSERT INTO t VALUES ('a\\'b', \"c\"\"d\", `e``f`) /*+ hint */ -- tail\n# more")) {
            for (int end = 0; end <= real.length(); end++) {
                check(real.substring(0, end));
            }
        }
    }

    /**
     * Random bytes in every character set and SQL mode that changes reading never make the classifier throw, and
     * positions stay within the bytes.
     */
    @Test
    void anyBytesInAnyContextYieldAClassification() {
        SplittableRandom random = new SplittableRandom(20261121);
        byte[] alphabet = "SELECTINSERT;'\"`[]\\/*!#-@:= ()\n12".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        String[] charsets = {"gbk", "big5", "sjis", "cp932", "gb18030", "utf8mb4", "latin1", "nonsense"};
        String[] modes = {"", "ANSI", "NO_BACKSLASH_ESCAPES", "MSSQL", "ORACLE", "ANSI_QUOTES,NO_BACKSLASH_ESCAPES"};
        for (int i = 0; i < 5_000; i++) {
            byte[] sql = new byte[random.nextInt(0, 40)];
            for (int j = 0; j < sql.length; j++) {
                sql[j] = random.nextInt(3) == 0 ? (byte) random.nextInt(0x80, 0x100)
                        : alphabet[random.nextInt(alphabet.length)];
            }
            ParseContext context = new ParseContext(modes[random.nextInt(modes.length)],
                    charsets[random.nextInt(charsets.length)]);
            List<Classification> parts = classifier.classifyAll(java.nio.ByteBuffer.wrap(sql), context);
            assertThat(parts).isNotEmpty();
            for (Classification c : parts) {
                assertThat(c.end()).isLessThanOrEqualTo(sql.length);
            }
            String text = new String(sql, java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(classifier.classifyAll(text, context)).isNotEmpty();
        }
    }

    private void check(String sql) {
        List<Classification> parts = classifier.classifyAll(sql);
        assertThat(parts).as(sql).isNotEmpty();
        for (Classification c : parts) {
            assertThat(c.end()).as(sql).isLessThanOrEqualTo(sql.length());
            if (c.kind() == StatementKind.READ) {
                // A read always starts with a keyword the classifier knows.
                assertThat(c.keyword()).as(sql).isIn("SELECT", "WITH", "TABLE", "VALUES", "SHOW", "DESCRIBE", "DESC",
                        "EXPLAIN", "ANALYZE", "HELP", "CHECKSUM", "HANDLER", "GET", "XA", "SET");
            }
        }
        assertThat(classifier.classify(sql)).as(sql).isNotNull();
    }
}

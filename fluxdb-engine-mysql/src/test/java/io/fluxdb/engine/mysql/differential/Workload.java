package io.fluxdb.engine.mysql.differential;

import java.util.List;

/**
 * The statements both sides of a differential test run, in order, on an empty schema of their own.
 * Nothing here depends on the connection (no CONNECTION_ID(), no NOW()), so the engine answers both
 * sides identically.
 */
final class Workload {
    /** Size of the large value: more than one 16 MiB physical packet. */
    static final int BIG = 20 << 20;

    private Workload() {}

    static final String CREATE_TYPES = """
            CREATE TABLE types (
              id INT AUTO_INCREMENT PRIMARY KEY,
              ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,
              mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
              b1 BIT(1), b64 BIT(64), de DECIMAL(65,30), f FLOAT, d DOUBLE,
              dt DATE, tm TIME(6), dtm DATETIME(6), ts TIMESTAMP(6) NULL DEFAULT NULL, yr YEAR,
              c CHAR(10), vc VARCHAR(100), tx TEXT, bn BINARY(4), vb VARBINARY(20), bl BLOB,
              en ENUM('a','b','c'), st SET('x','y','z'), js JSON, pt POINT, geo GEOMETRY
            ) DEFAULT CHARSET=utf8mb4""";

    static final String TYPES_COLUMNS = "ti, tiu, si, siu, mi, miu, i, iu, bi, biu, b1, b64, de, f, d, dt, tm, dtm, ts, yr,"
            + " c, vc, tx, bn, vb, bl, en, st, js, pt, geo";

    /** DDL and statements that run in the text protocol (COM_QUERY). */
    static List<String> text() {
        return List.of(
                // Non-strict mode: zero dates are accepted and truncation is a warning.
                "SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'",
                CREATE_TYPES,
                "INSERT INTO types (" + TYPES_COLUMNS + ") VALUES (127, 255, 32767, 65535, 8388607, 16777215,"
                        + " 2147483647, 4294967295, 9223372036854775807, 18446744073709551615, b'1',"
                        + " b'1111111111111111111111111111111111111111111111111111111111111111',"
                        + " 99999999999999999999999999999999999.999999999999999999999999999999, 3.402823e38,"
                        + " 1.7976931348623157e308, '9999-12-31', '838:59:59.000000', '9999-12-31 23:59:59.999999',"
                        + " '2030-06-15 12:34:56.123456', 2155, 'ten chars!', 'emoji \uD83D\uDE00 clef \uD834\uDD1E',"
                        + " REPEAT('\uD834\uDD1E', 300), x'00ff10ab', x'deadbeef', x'0001020304ff',"
                        + " 'c', 'x,z', '{\"k\": [1, 2.5, \"\uD83D\uDE00\"], \"n\": null}',"
                        + " ST_GeomFromText('POINT(1.5 -2.25)'), ST_GeomFromText('POLYGON((0 0,4 0,4 4,0 4,0 0))'))",
                "INSERT INTO types (" + TYPES_COLUMNS + ") VALUES (-128, 0, -32768, 0, -8388608, 0, -2147483648, 0,"
                        + " -9223372036854775808, 0, b'0', b'0',"
                        + " -99999999999999999999999999999999999.999999999999999999999999999999, -1.175494e-38,"
                        + " -2.2250738585072014e-308, '1000-01-01', '-838:59:59.999999', '1000-01-01 00:00:00',"
                        + " '2001-02-03 04:05:06.000001', 1901, '', '', '', x'', x'', x'', 'a', '', '[]',"
                        + " ST_GeomFromText('POINT(0 0)'), ST_GeomFromText('LINESTRING(0 0,1 1,2 0)'))",
                // Zero dates, TIME over 24 hours and negative, and all the rest NULL.
                "INSERT INTO types (dt, tm, dtm, ts, yr) VALUES ('0000-00-00', '100:00:00.5', '0000-00-00 00:00:00',"
                        + " '0000-00-00 00:00:00', 0000), (NULL, '-00:00:01.25', NULL, NULL, NULL)",
                "INSERT INTO types () VALUES ()",
                "SELECT * FROM types ORDER BY id",
                "SELECT id, ST_AsText(pt), ST_AsText(geo), JSON_EXTRACT(js, '$.k[2]'), HEX(b64), b64 + 0, CAST(biu AS CHAR),"
                        + " tm + INTERVAL 1 SECOND, DATE_FORMAT(dtm, '%Y|%f'), CHAR_LENGTH(tx), LENGTH(tx) FROM types ORDER BY id",
                "SELECT 1, 1.5, -2.5e-3, 'x', NULL, X'00ff', 18446744073709551615, CAST(-1 AS UNSIGNED), 9223372036854775807 - 1",
                // A value over 16 MiB: the row spans several physical packets.
                "CREATE TABLE big (id INT PRIMARY KEY, b LONGBLOB)",
                "INSERT INTO big VALUES (1, REPEAT(x'5a', " + BIG + "))",
                "SELECT id, LENGTH(b), b FROM big",
                // AUTO_INCREMENT, LAST_INSERT_ID, affected and matched rows, ON DUPLICATE KEY UPDATE.
                "CREATE TABLE ai (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, v VARCHAR(20) UNIQUE, n INT NOT NULL DEFAULT 0)",
                "INSERT INTO ai (v) VALUES ('a'), ('b'), ('c')",
                "SELECT LAST_INSERT_ID()",
                "INSERT INTO ai (id, v) VALUES (100, 'x')",
                "INSERT INTO ai (v) VALUES ('y')",
                "SELECT LAST_INSERT_ID(42), LAST_INSERT_ID()",
                "UPDATE ai SET n = 1 WHERE id <= 2",
                "UPDATE ai SET n = 1 WHERE id <= 3",
                "UPDATE ai SET n = n WHERE id > 1000",
                "INSERT INTO ai (v) VALUES ('a') ON DUPLICATE KEY UPDATE n = n + 1",
                "INSERT INTO ai (v, n) VALUES ('a', 2) ON DUPLICATE KEY UPDATE n = 2",
                "REPLACE INTO ai (id, v) VALUES (1, 'a2')",
                "DELETE FROM ai WHERE v = 'nothing'",
                // Errors.
                "INSERT INTO ai (v) VALUES ('b')",
                "SELEC 1",
                "SELECT * FROM nope",
                "SELECT nocol FROM ai",
                "SELECT * FROM ai ORDER BY id",
                // Warnings (non-strict), then the same in strict mode as an error.
                "CREATE TABLE w (c CHAR(3), n TINYINT)",
                "INSERT INTO w VALUES ('abcdef', 300), ('ok', -300)",
                "SHOW WARNINGS",
                "SELECT 1/0, CAST('12abc' AS SIGNED)",
                "SHOW WARNINGS",
                "SHOW COUNT(*) WARNINGS",
                "SET SESSION sql_mode = 'STRICT_ALL_TABLES'",
                "INSERT INTO w VALUES ('abcdef', 1)",
                "SHOW WARNINGS",
                "SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'",
                // A procedure with two result sets and an OUT parameter.
                "CREATE PROCEDURE twosets(IN x INT, OUT y INT) BEGIN"
                        + " SELECT x AS a, 'one' AS label; SELECT id, v FROM ai ORDER BY id LIMIT 2; SET y = x * 3; END",
                "CALL twosets(5, @y)",
                "SELECT @y",
                // Transactions: the status flags must follow IN_TRANS and AUTOCOMMIT.
                "START TRANSACTION",
                "INSERT INTO ai (v) VALUES ('tx1')",
                "SELECT COUNT(*) FROM ai",
                "ROLLBACK",
                "SELECT COUNT(*) FROM ai",
                "BEGIN",
                "INSERT INTO ai (v) VALUES ('tx2')",
                "COMMIT",
                "SET autocommit = 0",
                "INSERT INTO ai (v) VALUES ('tx3')",
                "SELECT @@autocommit, @@in_transaction",
                "COMMIT",
                "SET autocommit = 1",
                "START TRANSACTION READ ONLY",
                "SELECT COUNT(*) FROM ai",
                "COMMIT",
                // Multi-statement texts, one of them stopping at an error.
                "SELECT 1 AS one; INSERT INTO ai (v) VALUES ('m'); SELECT LAST_INSERT_ID(); UPDATE ai SET n = 7 WHERE v = 'm'; DO 1",
                "SELECT 1; SELECT * FROM nope; SELECT 2",
                "SELECT DATABASE(), CURRENT_USER(), @@character_set_client, @@collation_connection",
                "SHOW COLUMNS FROM types",
                "SHOW CREATE TABLE ai");
    }
}

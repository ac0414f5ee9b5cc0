package io.fluxdb.engine.mysql.sql;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.mysql.sql.TableReferences.Form;
import io.fluxdb.engine.mysql.sql.TableReferences.Statement;
import io.fluxdb.engine.mysql.sql.TableReferences.TableName;
import io.fluxdb.engine.spi.ParseContext;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TableReferencesTest {

    private static Statement read(String sql) {
        return TableReferences.read(sql.getBytes(UTF_8), ParseContext.DEFAULT).orElseThrow();
    }

    private static TableName table(String name) {
        return new TableName(Optional.empty(), name);
    }

    private static TableName table(String database, String name) {
        return new TableName(Optional.of(database), name);
    }

    @Test
    void createTemporaryTableNamesItsTable() {
        assertThat(read("CREATE TEMPORARY TABLE t (id INT)")).satisfies(s -> {
            assertThat(s.form()).isEqualTo(Form.CREATE_TEMPORARY);
            assertThat(s.tables()).containsExactly(table("t"));
        });
        assertThat(read("create or replace temporary table if not exists `app`.`my``t` like src").tables())
                .containsExactly(table("app", "my`t"));
        assertThat(read("/* c */ CREATE TEMPORARY TABLE t LIKE u").form()).isEqualTo(Form.CREATE_TEMPORARY);
    }

    @Test
    void createTemporaryTableWithAQueryIsTold() {
        assertThat(read("CREATE TEMPORARY TABLE t AS SELECT f(1)").form()).isEqualTo(Form.CREATE_TEMPORARY_SELECT);
        assertThat(read("CREATE TEMPORARY TABLE t (id INT) SELECT 1 AS id").form())
                .isEqualTo(Form.CREATE_TEMPORARY_SELECT);
        assertThat(read("CREATE TEMPORARY TABLE t AS WITH x AS (SELECT 1) SELECT * FROM x").form())
                .isEqualTo(Form.CREATE_TEMPORARY_SELECT);
        // a word in a string or a quoted name is not a query
        assertThat(read("CREATE TEMPORARY TABLE t (`select` INT COMMENT 'select')").form())
                .isEqualTo(Form.CREATE_TEMPORARY);
    }

    @Test
    void dropListsEveryTable() {
        assertThat(read("DROP TEMPORARY TABLE IF EXISTS a, db.b")).satisfies(s -> {
            assertThat(s.form()).isEqualTo(Form.DROP_TEMPORARY);
            assertThat(s.tables()).containsExactly(table("a"), table("db", "b"));
        });
        assertThat(read("DROP TABLE a, b CASCADE").form()).isEqualTo(Form.DROP);
        assertThat(read("DROP TABLE a WAIT 5").form()).isEqualTo(Form.OTHER);
        assertThat(read("DROP VIEW a").form()).isEqualTo(Form.OTHER);
    }

    @Test
    void singleTableWritesNameTheirTarget() {
        assertThat(read("INSERT IGNORE INTO t (a) SELECT a FROM u")).satisfies(s -> {
            assertThat(s.form()).isEqualTo(Form.WRITE);
            assertThat(s.tables()).containsExactly(table("t"));
            assertThat(s.names()).contains("t", "a", "u");
        });
        assertThat(read("REPLACE db.t VALUES (1)").tables()).containsExactly(table("db", "t"));
        assertThat(read("UPDATE LOW_PRIORITY t SET a = 1").tables()).containsExactly(table("t"));
        assertThat(read("UPDATE t AS x SET x.a = 1").form()).isEqualTo(Form.WRITE);
        assertThat(read("UPDATE t x SET x.a = 1").form()).isEqualTo(Form.WRITE);
        assertThat(read("DELETE QUICK FROM t WHERE a = 1").tables()).containsExactly(table("t"));
        assertThat(read("DELETE FROM t").form()).isEqualTo(Form.WRITE);
        assertThat(read("TRUNCATE TABLE t").tables()).containsExactly(table("t"));
    }

    @Test
    void writesOfSeveralTablesAreNotSingleTableWrites() {
        assertThat(read("UPDATE t, u SET t.a = u.a").form()).isEqualTo(Form.OTHER);
        assertThat(read("UPDATE t JOIN u ON t.id = u.id SET t.a = u.a").form()).isEqualTo(Form.OTHER);
        assertThat(read("DELETE t FROM t JOIN u ON t.id = u.id").form()).isEqualTo(Form.OTHER);
        assertThat(read("DELETE FROM t, u USING t JOIN u").form()).isEqualTo(Form.OTHER);
        assertThat(read("SELECT * FROM t").form()).isEqualTo(Form.OTHER);
        assertThat(read("UPDATE t, u SET t.a = u.a").tables()).isEmpty();
    }

    @Test
    void namesAreReadAsTheEngineReadsThem() {
        assertThat(read("INSERT INTO t VALUES ('tmp', /* tmp */ 1) -- tmp").names()).doesNotContain("tmp");
        assertThat(read("INSERT INTO t SELECT * FROM `tmp`").names()).contains("tmp");
        assertThat(TableReferences.read("INSERT INTO t SELECT * FROM \"tmp\"".getBytes(UTF_8),
                new ParseContext("ANSI_QUOTES", "utf8mb4")).orElseThrow().names()).contains("tmp");
        assertThat(read("INSERT INTO t SELECT * FROM \"tmp\"").names()).doesNotContain("tmp");
    }

    @Test
    void namesAreDecodedFromTheSessionCharacterSet() {
        byte[] latin1 = "INSERT INTO t SELECT * FROM tëmp".getBytes(Charset.forName("ISO-8859-1"));
        assertThat(TableReferences.read(latin1, new ParseContext("", "latin1")).orElseThrow().names())
                .contains("tëmp");
    }

    @Test
    void severalStatementsAreNotRead() {
        assertThat(TableReferences.read("INSERT INTO t VALUES (1); SELECT 1".getBytes(UTF_8), ParseContext.DEFAULT))
                .isEmpty();
        assertThat(TableReferences.read("INSERT INTO t VALUES (1);".getBytes(UTF_8), ParseContext.DEFAULT))
                .isPresent();
    }

    @Test
    void aTableNameResolvesInTheCurrentDatabase() {
        assertThat(table("t").resolve(Optional.of("app"))).isEqualTo(table("app", "t"));
        assertThat(table("db", "t").resolve(Optional.of("app"))).isEqualTo(table("db", "t"));
        assertThat(List.of(table("db", "t").toString(), table("t").toString())).containsExactly("db.t", "t");
    }
}

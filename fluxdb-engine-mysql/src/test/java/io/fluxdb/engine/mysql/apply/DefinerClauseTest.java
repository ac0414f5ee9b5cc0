package io.fluxdb.engine.mysql.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DefinerClauseTest {
    private static final String ACCOUNT = "'app'@'%'";

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            CREATE VIEW v AS SELECT 1                         | CREATE DEFINER = 'app'@'%' VIEW v AS SELECT 1
            create or replace view v as select 1              | create or replace DEFINER = 'app'@'%' view v as select 1
            CREATE ALGORITHM=MERGE VIEW v AS SELECT 1          | CREATE ALGORITHM=MERGE DEFINER = 'app'@'%' VIEW v AS SELECT 1
            CREATE ALGORITHM = TEMPTABLE SQL SECURITY DEFINER VIEW v AS SELECT 1 | CREATE ALGORITHM = TEMPTABLE DEFINER = 'app'@'%' SQL SECURITY DEFINER VIEW v AS SELECT 1
            CREATE SQL SECURITY INVOKER VIEW v AS SELECT 1     | CREATE DEFINER = 'app'@'%' SQL SECURITY INVOKER VIEW v AS SELECT 1
            CREATE PROCEDURE p() SELECT 1                     | CREATE DEFINER = 'app'@'%' PROCEDURE p() SELECT 1
            CREATE FUNCTION f() RETURNS INT RETURN 1          | CREATE DEFINER = 'app'@'%' FUNCTION f() RETURNS INT RETURN 1
            CREATE FUNCTION IF NOT EXISTS d.f (a INT) RETURNS INT RETURN a | CREATE DEFINER = 'app'@'%' FUNCTION IF NOT EXISTS d.f (a INT) RETURNS INT RETURN a
            CREATE AGGREGATE FUNCTION f(x INT) RETURNS INT BEGIN RETURN 1; END | CREATE DEFINER = 'app'@'%' AGGREGATE FUNCTION f(x INT) RETURNS INT BEGIN RETURN 1; END
            CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET @a = 1 | CREATE DEFINER = 'app'@'%' TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET @a = 1
            CREATE OR REPLACE TRIGGER t AFTER DELETE ON x FOR EACH ROW SET @a = 1 | CREATE OR REPLACE DEFINER = 'app'@'%' TRIGGER t AFTER DELETE ON x FOR EACH ROW SET @a = 1
            CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO SELECT 1 | CREATE DEFINER = 'app'@'%' EVENT e ON SCHEDULE EVERY 1 DAY DO SELECT 1
            CREATE PACKAGE pk AS END                          | CREATE DEFINER = 'app'@'%' PACKAGE pk AS END
            ALTER EVENT e DISABLE                             | ALTER DEFINER = 'app'@'%' EVENT e DISABLE
            /* made by a tool */ CREATE VIEW v AS SELECT 1    | /* made by a tool */ CREATE DEFINER = 'app'@'%' VIEW v AS SELECT 1
            /*!50001 CREATE ALGORITHM=UNDEFINED */ /*!50001 VIEW v AS SELECT 1 */ | /*!50001 CREATE ALGORITHM=UNDEFINED DEFINER = 'app'@'%' */ /*!50001 VIEW v AS SELECT 1 */
            """)
    void insertsTheLeadersAccount(String sql, String expected) {
        assertThat(DefinerClause.apply(sql, ACCOUNT)).isEqualTo(expected);
    }

    @Test
    void commentsAndLineBreaksBeforeTheObjectAreSkipped() {
        String sql = "CREATE -- a comment\n  # another\n OR REPLACE\n/* x */ PROCEDURE p() SELECT 1";

        assertThat(DefinerClause.apply(sql, ACCOUNT))
                .isEqualTo("CREATE -- a comment\n  # another\n OR REPLACE DEFINER = 'app'@'%'\n/* x */ PROCEDURE p()"
                        + " SELECT 1");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "CREATE DEFINER = 'x'@'%' VIEW v AS SELECT 1",
        "CREATE OR REPLACE DEFINER=CURRENT_USER PROCEDURE p() SELECT 1",
        "CREATE ALGORITHM=MERGE DEFINER=`x`@`%` SQL SECURITY INVOKER VIEW v AS SELECT 1",
        "/*!50001 CREATE ALGORITHM=UNDEFINED */ /*!50013 DEFINER=`root`@`localhost` SQL SECURITY DEFINER */ /*!50001"
                + " VIEW v AS SELECT 1 */",
        "CREATE FUNCTION metaphon RETURNS STRING SONAME 'udf_example.so'",
        "CREATE AGGREGATE FUNCTION IF NOT EXISTS avgcost RETURNS REAL SONAME 'udf_example.so'",
        "ALTER VIEW v AS SELECT 2",
        "ALTER ALGORITHM=MERGE VIEW v AS SELECT 2",
        "ALTER TABLE t ADD COLUMN definer INT",
        "CREATE TABLE definer (a INT)",
        "CREATE TEMPORARY TABLE t (a INT)",
        "INSERT INTO t VALUES ('CREATE VIEW v AS SELECT 1')",
        "-- CREATE VIEW v AS SELECT 1\nSELECT 1",
        "CREATE USER u",
        "CREATE OR REPLACE TABLE t (a INT)",
        "",
        "   "
    })
    void leavesOtherStatementsAlone(String sql) {
        assertThat(DefinerClause.apply(sql, ACCOUNT)).isSameAs(sql);
    }

    @Test
    void unquotedAccountsAreQuoted() {
        assertThat(DefinerClause.apply("CREATE VIEW v AS SELECT 1", "app@10.0.%"))
                .isEqualTo("CREATE DEFINER = `app`@`10.0.%` VIEW v AS SELECT 1");
        assertThat(DefinerClause.apply("CREATE VIEW v AS SELECT 1", "we`ird@h"))
                .isEqualTo("CREATE DEFINER = `we``ird`@`h` VIEW v AS SELECT 1");
        assertThat(DefinerClause.apply("CREATE VIEW v AS SELECT 1", "'o''brien'@'localhost'"))
                .isEqualTo("CREATE DEFINER = 'o''brien'@'localhost' VIEW v AS SELECT 1");
    }

    @Test
    void accountWithoutHostIsACorruptEntry() {
        assertThatThrownBy(() -> DefinerClause.apply("CREATE VIEW v AS SELECT 1", "nobody"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'user'@'host'");
    }
}

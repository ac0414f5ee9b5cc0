package io.fluxdb.engine.mysql.frontend;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.mysql.frontend.TemporaryTables.Decision;
import io.fluxdb.engine.mysql.frontend.TemporaryTables.Local;
import io.fluxdb.engine.mysql.frontend.TemporaryTables.Refused;
import io.fluxdb.engine.mysql.frontend.TemporaryTables.Replicate;
import io.fluxdb.engine.mysql.sql.MySqlStatementClassifier;
import io.fluxdb.engine.mysql.sql.TableReferences.Form;
import io.fluxdb.engine.spi.ParseContext;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TemporaryTablesTest {
    private static final Optional<String> APP = Optional.of("app");
    private final MySqlStatementClassifier classifier = new MySqlStatementClassifier();
    private final TemporaryTables tables = new TemporaryTables();

    private Decision decide(String sql) {
        return decide(sql, APP);
    }

    private Decision decide(String sql, Optional<String> database) {
        return tables.decide(sql.getBytes(UTF_8), classifier.classify(sql), ParseContext.DEFAULT, database);
    }

    /** Decides, and when the statement runs here, records that it ran. */
    private Decision run(String sql) {
        Decision d = decide(sql);
        if (d instanceof Local local) {
            tables.ran(local, APP);
        }
        return d;
    }

    private static String refusal(Decision d) {
        assertThat(d).isInstanceOf(Refused.class);
        return ((Refused) d).error().message();
    }

    @Test
    void withoutTemporaryTablesEverythingReplicates() {
        assertThat(decide("INSERT INTO t VALUES (1)")).isSameAs(Replicate.INSTANCE);
        assertThat(decide("DROP TABLE t")).isSameAs(Replicate.INSTANCE);
        assertThat(tables.any()).isFalse();
    }

    @Test
    void creatingOneRunsHereAndIsRemembered() {
        assertThat(run("CREATE TEMPORARY TABLE tmp (id INT)")).isEqualTo(new Local(Form.CREATE_TEMPORARY,
                java.util.List.of(new io.fluxdb.engine.mysql.sql.TableReferences.TableName(Optional.empty(), "tmp")),
                false));
        assertThat(tables.any()).isTrue();
        assertThat(decide("INSERT INTO tmp VALUES (1)")).isInstanceOf(Local.class);
        assertThat(decide("INSERT INTO app.tmp SELECT id FROM real_table")).isInstanceOf(Local.class);
        assertThat(decide("UPDATE tmp SET id = id + 1")).isInstanceOf(Local.class);
        assertThat(decide("DELETE FROM tmp")).isInstanceOf(Local.class);
        assertThat(decide("TRUNCATE tmp")).isInstanceOf(Local.class);
        assertThat(((Local) decide("CREATE TEMPORARY TABLE t2 AS SELECT * FROM tmp")).needsReadWrite()).isTrue();
        assertThat(((Local) decide("INSERT INTO tmp VALUES (2)")).needsReadWrite()).isFalse();
    }

    @Test
    void aTemporaryTableBelongsToItsDatabase() {
        run("CREATE TEMPORARY TABLE tmp (id INT)");
        // the same name in another database is another table; a statement naming it is refused, not guessed at
        assertThat(decide("INSERT INTO other.tmp VALUES (1)")).isInstanceOf(Refused.class);
        assertThat(decide("INSERT INTO tmp VALUES (1)", Optional.of("other"))).isInstanceOf(Refused.class);
        assertThat(decide("INSERT INTO real_table VALUES (1)", Optional.of("other"))).isSameAs(Replicate.INSTANCE);
    }

    @Test
    void aReplicatedWriteThatNamesOneIsRefused() {
        run("CREATE TEMPORARY TABLE tmp (id INT)");
        assertThat(refusal(decide("INSERT INTO real_table SELECT id FROM tmp")))
                .contains("names the temporary table app.tmp");
        assertThat(decide("UPDATE real_table r JOIN tmp ON r.id = tmp.id SET r.v = 1")).isInstanceOf(Refused.class);
        assertThat(decide("CREATE TABLE copy AS SELECT * FROM tmp")).isInstanceOf(Refused.class);
        // another case is another table on Linux, or the same one elsewhere: not guessed at
        assertThat(decide("INSERT INTO TMP VALUES (1)")).isInstanceOf(Refused.class);
        assertThat(decide("INSERT INTO real_table VALUES ('tmp')")).isSameAs(Replicate.INSTANCE);
        assertThat(decide("SELECT * FROM tmp JOIN real_table")).isSameAs(Replicate.INSTANCE);
    }

    @Test
    void droppingForgetsIt() {
        run("CREATE TEMPORARY TABLE tmp (id INT)");
        run("CREATE TEMPORARY TABLE tmp2 (id INT)");
        assertThat(refusal(decide("DROP TABLE tmp, real_table"))).contains("DROP TEMPORARY TABLE");
        assertThat(run("DROP TABLE tmp")).isInstanceOf(Local.class);
        assertThat(decide("INSERT INTO real_table SELECT * FROM tmp")).isSameAs(Replicate.INSTANCE);
        assertThat(run("DROP TEMPORARY TABLE IF EXISTS tmp2, never_made")).isInstanceOf(Local.class);
        assertThat(tables.any()).isFalse();
    }

    @Test
    void aResetForgetsThemAll() {
        run("CREATE TEMPORARY TABLE tmp (id INT)");
        tables.clear();
        assertThat(tables.any()).isFalse();
        assertThat(decide("INSERT INTO tmp VALUES (1)")).isSameAs(Replicate.INSTANCE);
    }

    @Test
    void aQueryThatMakesOneRunsHereToo() {
        run("CREATE TEMPORARY TABLE tmp (id INT)");
        assertThat(decide("CREATE TEMPORARY TABLE made AS SELECT writes(12) AS x"))
                .isEqualTo(new Local(Form.CREATE_TEMPORARY_SELECT, java.util.List.of(
                        new io.fluxdb.engine.mysql.sql.TableReferences.TableName(Optional.empty(), "made")), false));
    }

    @Test
    void executableCommentsAreNotGuessedAt() {
        run("CREATE TEMPORARY TABLE tmp (id INT)");
        // a server skips /*!999999 ... */: the engine would drop the real table
        assertThat(refusal(decide("DROP /*!999999 TEMPORARY */ TABLE real_table"))).contains("executable comments");
        assertThat(decide("INSERT INTO /*!999999 tmp */ real_table VALUES (1)")).isInstanceOf(Refused.class);
        assertThat(decide("INSERT INTO /*!40101 tmp */ VALUES (1)")).isInstanceOf(Refused.class);
        // in a replicated statement they are the engine's business, as ever
        assertThat(decide("INSERT /*!40101 IGNORE */ INTO real_table VALUES (1)")).isSameAs(Replicate.INSTANCE);
    }

    @Test
    void severalStatementsInOneTextAreRefusedOnceThereAreTemporaryTables() {
        run("CREATE TEMPORARY TABLE tmp (id INT)");
        assertThat(refusal(decide("DROP TEMPORARY TABLE tmp; DROP TABLE real_table")))
                .contains("several statements");
        assertThat(decide("INSERT INTO tmp VALUES (1); INSERT INTO real_table VALUES (1)"))
                .isInstanceOf(Refused.class);
    }

    @Test
    void aDropSaysIfExists() {
        run("CREATE TEMPORARY TABLE tmp (id INT)");
        assertThat(((Local) decide("DROP TABLE IF EXISTS tmp")).ifExists()).isTrue();
        assertThat(((Local) decide("DROP TABLE tmp")).ifExists()).isFalse();
    }

    @Test
    void aForgottenTableIsReplicatedAgain() {
        run("CREATE TEMPORARY TABLE tmp (id INT)");
        tables.forget(new io.fluxdb.engine.mysql.sql.TableReferences.TableName(APP, "tmp"));
        assertThat(decide("TRUNCATE tmp")).isSameAs(Replicate.INSTANCE);
    }

    @Test
    void unknownFormsOfTemporaryStatementsAreRefused() {
        assertThat(refusal(decide("CREATE TEMPORARY SEQUENCE s"))).contains("this form of temporary table");
    }
}

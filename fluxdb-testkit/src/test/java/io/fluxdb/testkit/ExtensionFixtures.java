package io.fluxdb.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.sql.SQLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Test classes that {@link MariaDbExtensionIT} runs through the JUnit engine test kit; the build does not run them
 * directly. They report what they saw through static fields, the only channel out of an engine run.
 */
final class ExtensionFixtures {

    static volatile MariaDbProcess seen;

    private ExtensionFixtures() {
    }

    @ExtendWith(MariaDbExtension.class)
    static class OnePassingOneFailing {
        @BeforeAll
        static void remember(MariaDbProcess db) {
            seen = db;
        }

        @Test
        void passes(MariaDbProcess db) throws SQLException {
            assertThat(db).isSameAs(seen);
            assertThat(Sql.column(db, "SELECT 1")).containsExactly("1");
        }

        @Test
        void fails() {
            fail("on purpose");
        }
    }

    @ExtendWith(MariaDbExtension.class)
    static class External {
        @Test
        void connects(MariaDbProcess db) throws SQLException {
            seen = db;
            assertThat(db.isExternal()).isTrue();
            assertThat(Sql.column(db, "SELECT 1")).containsExactly("1");
        }
    }

    @ExtendWith(MariaDbExtension.class)
    static class NeedsServer {
        @Test
        void runs(MariaDbProcess db) {
            seen = db;
        }
    }
}

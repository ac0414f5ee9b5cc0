package io.fluxdb.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MariaDbExtensionTest {

    @Test
    void parsesExternalUrl() {
        MariaDbProcess db = MariaDbExtension.external("jdbc:mariadb://db.example:3310/app?sslMode=trust", "pw");

        assertThat(db.isExternal()).isTrue();
        assertThat(db.host()).isEqualTo("db.example");
        assertThat(db.port()).isEqualTo(3310);
        assertThat(db.rootPassword()).isEqualTo("pw");
        assertThat(db.jdbcUrl("test")).isEqualTo("jdbc:mariadb://db.example:3310/test?sslMode=disable");
    }

    @Test
    void defaultsToPort3306AndAcceptsMysqlScheme() {
        assertThat(MariaDbExtension.external("jdbc:mysql://127.0.0.1", "").port()).isEqualTo(3306);
    }

    @Test
    void bracketsIpv6Hosts() {
        MariaDbProcess db = MariaDbExtension.external("jdbc:mariadb://[::1]:3307", "");

        assertThat(db.host()).isEqualTo("::1");
        assertThat(db.jdbcUrl("")).isEqualTo("jdbc:mariadb://[::1]:3307/?sslMode=disable");
    }

    @Test
    void rejectsMalformedUrl() {
        assertThatThrownBy(() -> MariaDbExtension.external("jdbc:postgresql://h:1", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(MariaDbExtension.URL_PROPERTY);
        assertThatThrownBy(() -> MariaDbExtension.external("not a url", ""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void externalServerCannotBeControlled() {
        MariaDbProcess db = MariaDbProcess.external("127.0.0.1", 3306, "");

        assertThatThrownBy(db::start).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(db::stop).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(db::kill).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(db::dataDir).isInstanceOf(UnsupportedOperationException.class);
        db.close(); // does nothing, and may be called twice
        db.close();
    }

    @Test
    void builderValidatesArguments() {
        assertThatThrownBy(() -> MariaDbProcess.builder().port(70_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MariaDbProcess.builder().maxConnections(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MariaDbProcess.builder().option("datadir", "/x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MariaDbProcess.builder().rootPassword("a\nb"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MariaDbProcess.builder().startupTimeout(java.time.Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

package io.fluxdb.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigValuesTest {
    @Test
    void booleans() {
        for (String yes : new String[] {"true", "TRUE", "True", "1", "yes", "YES", "on", "On", " true "}) {
            assertThat(ConfigValues.parseBoolean(yes)).as(yes).isTrue();
        }
        for (String no : new String[] {"false", "FALSE", "False", "0", "no", "No", "off", "OFF"}) {
            assertThat(ConfigValues.parseBoolean(no)).as(no).isFalse();
        }
        assertThatThrownBy(() -> ConfigValues.parseBoolean("maybe"))
                .hasMessage("'maybe' is not a boolean (use true or false; 1/0, yes/no and on/off also work)");
        assertThatThrownBy(() -> ConfigValues.parseBoolean("2")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void durations() {
        assertThat(ConfigValues.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ConfigValues.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(ConfigValues.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(ConfigValues.parseDuration("8h")).isEqualTo(Duration.ofHours(8));
        assertThat(ConfigValues.parseDuration("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(ConfigValues.parseDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(ConfigValues.parseDuration("1m30s250ms")).isEqualTo(Duration.ofMillis(90_250));
        assertThat(ConfigValues.parseDuration("8H")).isEqualTo(Duration.ofHours(8));
        assertThat(ConfigValues.parseDuration("PT8H")).isEqualTo(Duration.ofHours(8));
        assertThat(ConfigValues.parseDuration("pt1m")).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void invalidDurations() {
        assertThatThrownBy(() -> ConfigValues.parseDuration("30"))
                .hasMessage("'30' has no unit (use ms, s, m, h or d, e.g. 30s or 8h)");
        assertThatThrownBy(() -> ConfigValues.parseDuration("0s")).hasMessage("'0s' is not a positive duration");
        assertThatThrownBy(() -> ConfigValues.parseDuration("PT-1S")).hasMessage("'PT-1S' is not a positive duration");
        for (String bad : new String[] {"abc", "8 h", "h", "1h 30m", "1.5h", "30x", "s30", "P", "Pxyz", "-5s"}) {
            assertThatThrownBy(() -> ConfigValues.parseDuration(bad)).as(bad)
                    .hasMessage("'" + bad + "' is not a duration (e.g. 500ms, 30s, 8h or 1h30m)");
        }
        assertThatThrownBy(() -> ConfigValues.parseDuration("99999999999999999999d")).hasMessageContaining("too long");
    }

    @Test
    void sizes() {
        assertThat(ConfigValues.parseByteSize("1024")).isEqualTo(1024);
        assertThat(ConfigValues.parseByteSize("512k")).isEqualTo(512L * 1024);
        assertThat(ConfigValues.parseByteSize("64M")).isEqualTo(64L << 20);
        assertThat(ConfigValues.parseByteSize("64m")).isEqualTo(64L << 20);
        assertThat(ConfigValues.parseByteSize("16MB")).isEqualTo(16L << 20);
        assertThat(ConfigValues.parseByteSize("16MiB")).isEqualTo(16L << 20);
        assertThat(ConfigValues.parseByteSize("1G")).isEqualTo(1L << 30);
        assertThat(ConfigValues.parseByteSize("100B")).isEqualTo(100);
        assertThatThrownBy(() -> ConfigValues.parseByteSize("64X")).hasMessage("'64X' is not a size (e.g. 16M, 1G or a number of bytes)");
        assertThatThrownBy(() -> ConfigValues.parseByteSize("M")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConfigValues.parseByteSize("-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConfigValues.parseByteSize("1.5M")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConfigValues.parseByteSize("99999999999999G")).hasMessage("'99999999999999G' is too large a size");
    }

    @Test
    void ports() {
        assertThat(ConfigValues.parsePort("1")).isEqualTo(1);
        assertThat(ConfigValues.parsePort("65535")).isEqualTo(65535);
        assertThatThrownBy(() -> ConfigValues.parsePort("0")).hasMessage("'0' is not a port (expected 1 to 65535)");
        assertThatThrownBy(() -> ConfigValues.parsePort("65536")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConfigValues.parsePort("-1")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ConfigValues.parseListenPort("0")).isZero();
        assertThatThrownBy(() -> ConfigValues.parseListenPort("abc"))
                .hasMessage("'abc' is not a port (expected 1 to 65535, or 0 for any free port)");
    }

    @Test
    void urls() {
        assertThat(ConfigValues.parseHttpUrl("https://api.runonflux.io/")).isEqualTo(URI.create("https://api.runonflux.io"));
        assertThat(ConfigValues.parseHttpUrl("http://10.0.0.1:16127")).isEqualTo(URI.create("http://10.0.0.1:16127"));
        for (String bad : new String[] {"ftp://api.runonflux.io", "api.runonflux.io", "https://", "https://x/?a=b", "https://u:p@x", "http://x#f", "h ttp://x"}) {
            assertThatThrownBy(() -> ConfigValues.parseHttpUrl(bad)).as(bad).hasMessage("'" + bad + "' is not an http(s) URL");
        }
    }

    @Test
    void databaseNames() {
        assertThat(ConfigValues.parseDatabaseName("test_db")).isEqualTo("test_db");
        assertThat(ConfigValues.parseDatabaseName("app$2")).isEqualTo("app$2");
        assertThat(ConfigValues.parseDatabaseName("1app")).isEqualTo("1app");
        assertThat(ConfigValues.parseDatabaseName("données")).isEqualTo("données");
        assertThat(ConfigValues.parseDatabaseName("a".repeat(64))).hasSize(64);
        for (String bad : new String[] {"my-db", "my db", "db`x", "db;drop", "123", "a".repeat(65), "db.x"}) {
            assertThatThrownBy(() -> ConfigValues.parseDatabaseName(bad)).as(bad)
                    .hasMessage("'" + bad + "' is not a database name (letters, digits, _ and $; at most 64 characters; not only digits)");
        }
        assertThatThrownBy(() -> ConfigValues.parseDatabaseName("MySQL")).hasMessage("'MySQL' is a system schema; choose a database of your own");
        assertThatThrownBy(() -> ConfigValues.parseDatabaseName("information_schema")).hasMessageContaining("system schema");
    }

    @Test
    void appAndEngineAndUserNames() {
        assertThat(ConfigValues.parseAppName("mySharedDb-1")).isEqualTo("mySharedDb-1");
        assertThatThrownBy(() -> ConfigValues.parseAppName("my/app")).hasMessageStartingWith("'my/app' is not an app name");
        assertThatThrownBy(() -> ConfigValues.parseAppName("-app")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ConfigValues.parseEngineName("MySQL")).isEqualTo("mysql");
        assertThatThrownBy(() -> ConfigValues.parseEngineName("my sql")).hasMessage("'my sql' is not an engine name (e.g. mysql)");
        assertThat(ConfigValues.parseUserName("app_user")).isEqualTo("app_user");
        assertThatThrownBy(() -> ConfigValues.parseUserName("a\tb")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void enums() {
        assertThat(Consistency.parse("STRONG")).isEqualTo(Consistency.STRONG);
        assertThat(Consistency.parse("eventual")).isEqualTo(Consistency.EVENTUAL);
        assertThatThrownBy(() -> Consistency.parse("weak")).hasMessage("'weak' is not one of session, eventual, strong");
        assertThat(LogLevel.parse("Debug")).isEqualTo(LogLevel.DEBUG);
        assertThat(LogLevel.parse("warning")).isEqualTo(LogLevel.WARN);
        assertThatThrownBy(() -> LogLevel.parse("loud")).hasMessage("'loud' is not one of trace, debug, info, warn, error");
    }

    @Test
    void bindAddresses() {
        assertThat(ConfigValues.parseBindAddress("::").getHostAddress()).isEqualTo("0:0:0:0:0:0:0:0");
        assertThat(ConfigValues.parseBindAddress("[::1]").getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
        assertThatThrownBy(() -> ConfigValues.parseBindAddress("localhost"))
                .hasMessage("'localhost' is not an IP address (e.g. 0.0.0.0, 127.0.0.1 or ::)");
    }
}

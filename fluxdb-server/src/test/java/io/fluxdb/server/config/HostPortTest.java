package io.fluxdb.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostPortTest {
    @Test
    void hostAloneTakesTheDefaultPort() {
        assertThat(HostPort.parse("fluxmysql_myapp", 3306)).isEqualTo(new HostPort("fluxmysql_myapp", 3306));
        assertThat(HostPort.parse("db.example.com", 3306)).isEqualTo(new HostPort("db.example.com", 3306));
        assertThat(HostPort.parse("127.0.0.1", 3306)).isEqualTo(new HostPort("127.0.0.1", 3306));
    }

    @Test
    void hostAndPort() {
        assertThat(HostPort.parse("mariadb:3309", 3306)).isEqualTo(new HostPort("mariadb", 3309));
        assertThat(HostPort.parse(" 10.0.0.5:13306 ", 3306)).isEqualTo(new HostPort("10.0.0.5", 13306));
    }

    @Test
    void ipv6InBrackets() {
        assertThat(HostPort.parse("[::1]", 3306)).isEqualTo(new HostPort("::1", 3306));
        assertThat(HostPort.parse("[2001:db8::5]:3310", 3306)).isEqualTo(new HostPort("2001:db8::5", 3310));
        assertThat(new HostPort("2001:db8::5", 3310)).hasToString("[2001:db8::5]:3310");
        assertThat(new HostPort("db", 3306)).hasToString("db:3306");
    }

    @Test
    void invalid() {
        assertThatThrownBy(() -> HostPort.parse("::1", 3306)).hasMessage("'::1': write an IPv6 address in brackets, e.g. [::1]:3306");
        assertThatThrownBy(() -> HostPort.parse("db:0", 3306)).hasMessage("'db:0': '0' is not a port (1-65535)");
        assertThatThrownBy(() -> HostPort.parse("db:65536", 3306)).hasMessage("'db:65536': '65536' is not a port (1-65535)");
        assertThatThrownBy(() -> HostPort.parse("db:", 3306)).hasMessage("'db:': '' is not a port (1-65535)");
        assertThatThrownBy(() -> HostPort.parse("db:x", 3306)).hasMessage("'db:x': 'x' is not a port (1-65535)");
        assertThatThrownBy(() -> HostPort.parse("[::1", 3306)).hasMessage("'[::1' has '[' without a matching ']'");
        assertThatThrownBy(() -> HostPort.parse("[db]:3306", 3306)).hasMessage("'[db]:3306': 'db' is not an IPv6 address");
        assertThatThrownBy(() -> HostPort.parse("[::1]3306", 3306)).hasMessage("'[::1]3306' is not host or host:port");
        assertThatThrownBy(() -> HostPort.parse("10.0.0.300", 3306)).hasMessage("'10.0.0.300': '10.0.0.300' is not an IPv4 address");
        assertThatThrownBy(() -> HostPort.parse("bad host", 3306)).hasMessage("'bad host': 'bad host' is not a host name or IP address");
        assertThatThrownBy(() -> HostPort.parse(":3306", 3306)).hasMessage("':3306': '' is not a host name or IP address");
        assertThatThrownBy(() -> HostPort.parse("-db", 3306)).hasMessageContaining("is not a host name");
    }

    @Test
    void constructorChecks() {
        assertThatThrownBy(() -> new HostPort("", 1)).hasMessage("host is empty");
        assertThatThrownBy(() -> new HostPort("db", 0)).hasMessage("port: 0 (expected: 1-65535)");
    }
}

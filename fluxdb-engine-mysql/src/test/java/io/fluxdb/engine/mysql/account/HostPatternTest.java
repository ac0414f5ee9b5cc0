package io.fluxdb.engine.mysql.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class HostPatternTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("%", "10.1.2.3", null, true),
                Arguments.of("", "10.1.2.3", null, true),
                Arguments.of("localhost", "127.0.0.1", null, true),
                Arguments.of("localhost", "::1", null, true),
                Arguments.of("localhost", "10.0.0.1", null, false),
                Arguments.of("127.0.0.1", "127.0.0.1", null, true),
                Arguments.of("10.0.0.1", "10.0.0.2", null, false),
                Arguments.of("10.0.%", "10.0.7.9", null, true),
                Arguments.of("10.0.%", "10.1.7.9", null, false),
                Arguments.of("10.0.0._", "10.0.0.7", null, true),
                Arguments.of("10.0.0._", "10.0.0.17", null, false),
                Arguments.of("192.168.1.0/255.255.255.0", "192.168.1.77", null, true),
                Arguments.of("192.168.1.0/255.255.255.0", "192.168.2.77", null, false),
                Arguments.of("192.168.1.0/255.255.255.0", "::1", null, false),
                Arguments.of("app.example.com", "10.9.9.9", "app.example.com", true),
                Arguments.of("app.example.com", "10.9.9.9", null, false),
                Arguments.of("%.example.com", "10.9.9.9", "db.EXAMPLE.com", true),
                Arguments.of("::1", "::1", null, true),
                Arguments.of("0:0:0:0:0:0:0:1", "::1", null, true),
                Arguments.of("10.0.0.256", "10.0.0.1", null, false));
    }

    @ParameterizedTest(name = "{0} vs {1} ({2}) -> {3}")
    @MethodSource("cases")
    void matchesLikeTheServer(String pattern, String ip, String name, boolean expected) throws Exception {
        assertThat(new HostPattern(pattern).matches(InetAddress.getByName(ip), name)).isEqualTo(expected);
    }

    @Test
    void literalHostsSortBeforePatternsAndPercentLast() {
        List<HostPattern> sorted = Stream.of("%", "10.%", "10.0.%", "localhost", "10.0.0.0/255.0.0.0")
                .map(HostPattern::new)
                .sorted()
                .toList();
        assertThat(sorted).extracting(HostPattern::text)
                .containsExactly("localhost", "10.0.0.0/255.0.0.0", "10.0.%", "10.%", "%");
    }
}

package io.fluxdb.protocol.constant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MySqlErrorTest {
    @Test
    void codesAreUnique() {
        Set<Integer> seen = new HashSet<>();
        for (MySqlError e : MySqlError.values()) {
            assertThat(seen.add(e.code())).as("duplicate code %s", e).isTrue();
        }
    }

    @Test
    void sqlStatesAreFiveCharacters() {
        assertThat(Arrays.stream(MySqlError.values()).map(MySqlError::sqlState))
                .allSatisfy(s -> assertThat(s).hasSize(5));
    }

    @Test
    void formatsArguments() {
        assertThat(MySqlError.ER_ACCESS_DENIED_ERROR.message("bob", "10.0.0.1", "YES"))
                .isEqualTo("Access denied for user 'bob'@'10.0.0.1' (using password: YES)");
        assertThat(MySqlError.ER_HANDSHAKE_ERROR.closesConnection()).isTrue();
        assertThat(MySqlError.ER_UNKNOWN_ERROR.closesConnection()).isFalse();
    }
}

package io.fluxdb.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Vectors from {@code openssl passwd -5 -salt SALT PASSWORD} (OpenSSL 3.0.19, default 5000
 * rounds). OpenSSL cuts salts at 16 bytes while MySQL uses 20, so these check the algorithm
 * with short salts; the 20-byte salt path differs only in the salt length fed to the digests.
 * No MySQL server is available to produce a {@code $A$005$} hash for a known password.
 */
class Sha256CryptTest {
    private static String crypt(String password, String salt) {
        return Sha256Crypt.digest(
                password.getBytes(StandardCharsets.UTF_8), salt.getBytes(StandardCharsets.US_ASCII), 5000);
    }

    @Test
    void matchesOpenSslVectors() {
        assertThat(crypt("Hello world!", "saltstring")).isEqualTo("5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5");
        assertThat(crypt("secret", "abcdefghijklmnop")).isEqualTo("i7zHaTeYqXlesRXJ8dXj6o.MEFQdzfIJpJpcWAtszs6");
        // Longer than one SHA-256 digest, so the password-length loops wrap.
        assertThat(crypt("a password longer than thirty-two bytes in total", "x"))
                .isEqualTo("EUaWdUUlDc8CjHL8ogOw/pxlX9X3kEiYZ.auPWDM8b2");
    }

    @Test
    void digestIs43Characters() {
        assertThat(crypt("", "x")).hasSize(43);
        assertThat(crypt("a password longer than thirty-two bytes in total", "0123456789abcdefghij")).hasSize(43);
    }
}

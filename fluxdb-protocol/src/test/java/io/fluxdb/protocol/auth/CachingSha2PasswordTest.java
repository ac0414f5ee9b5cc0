package io.fluxdb.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mysql.cj.protocol.ExportControlled;
import com.mysql.cj.protocol.Security;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.mariadb.jdbc.plugin.authentication.standard.CachingSha2PasswordPlugin;

class CachingSha2PasswordTest {
    private static final byte[] SCRAMBLE = "G)4kq.9]Zb2#xV!w7Lm^".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OTHER_SCRAMBLE = "p0]Hs-3j;Qd8&Ua~c1Rt".getBytes(StandardCharsets.US_ASCII);
    private static final RsaKeyPair KEYS = RsaKeyPair.generate();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void scrambleMatchesBothConnectors() throws Exception {
        for (String pw : new String[] {"secret", "pässwörd", "a much longer password than thirty-two bytes, surely"}) {
            byte[] ours = CachingSha2Password.scramble(utf8(pw), SCRAMBLE);
            assertThat(ours).as(pw).hasSize(32)
                    .isEqualTo(Security.scrambleCachingSha2(utf8(pw), SCRAMBLE))
                    // MariaDB Connector/J's helpers take the plugin data as sent, with its trailing NUL.
                    .isEqualTo(CachingSha2PasswordPlugin.sha256encryptPassword(pw, Scrambles.withNul(SCRAMBLE)));
        }
    }

    @Test
    void emptyPasswordGivesEmptyScramble() {
        assertThat(CachingSha2Password.scramble(new byte[0], SCRAMBLE)).isEmpty();
    }

    @Test
    void fastPathVerifiesAgainstCachedDigest() throws Exception {
        byte[] cached = CachingSha2Password.cacheDigest(utf8("secret"));
        assertThat(CachingSha2Password.verifyFast(Security.scrambleCachingSha2(utf8("secret"), SCRAMBLE), SCRAMBLE, cached))
                .isTrue();
        assertThat(CachingSha2Password.verifyFast(Security.scrambleCachingSha2(utf8("secreT"), SCRAMBLE), SCRAMBLE, cached))
                .isFalse();
        assertThat(CachingSha2Password.verifyFast(
                        Security.scrambleCachingSha2(utf8("secret"), OTHER_SCRAMBLE), SCRAMBLE, cached))
                .isFalse();
        assertThat(CachingSha2Password.verifyFast(new byte[31], SCRAMBLE, cached)).isFalse();
    }

    @Test
    void decryptsWhatMariaDbConnectorEncrypts() throws Exception {
        // Longer than the nonce, so the XOR wraps around it.
        String pw = "pässwörd, longer than the twenty-byte nonce";
        byte[] ciphertext = CachingSha2PasswordPlugin.encrypt(KEYS.publicKey(), pw, Scrambles.withNul(SCRAMBLE));
        assertThat(CachingSha2Password.decryptPassword(ciphertext, SCRAMBLE, KEYS)).isEqualTo(utf8(pw));
    }

    @Test
    void decryptsWhatMySqlConnectorEncrypts() throws Exception {
        // Connector/J XORs the NUL-terminated password with the seed itself, then encrypts.
        byte[] plain = Arrays.copyOf(utf8("a secret longer than the nonce"), 30);
        for (int i = 0; i < plain.length; i++) {
            plain[i] ^= SCRAMBLE[i % SCRAMBLE.length];
        }
        RSAPublicKey key = ExportControlled.decodeRSAPublicKey(KEYS.publicKeyPem());
        byte[] ciphertext = ExportControlled.encryptWithRSAPublicKey(plain, key, CachingSha2Password.RSA_TRANSFORMATION);
        assertThat(CachingSha2Password.decryptPassword(ciphertext, SCRAMBLE, KEYS)).isEqualTo(utf8("a secret longer than the nonce"));
    }

    @Test
    void encryptionRoundTripsWithPasswordsLongerThanTheScramble() {
        byte[] pw = utf8("a password longer than twenty bytes, so the nonce repeats");
        byte[] ciphertext = CachingSha2Password.encryptPassword(pw, SCRAMBLE, KEYS.publicKey());
        assertThat(ciphertext).hasSize(256);
        assertThat(CachingSha2Password.decryptPassword(ciphertext, SCRAMBLE, KEYS)).isEqualTo(pw);
        // The nonce is part of the plaintext: the wrong one garbles the password.
        assertThat(CachingSha2Password.decryptPassword(ciphertext, OTHER_SCRAMBLE, KEYS)).isNotEqualTo(pw);
    }

    @Test
    void ciphertextForAnotherKeyDoesNotDecrypt() {
        byte[] ciphertext = CachingSha2Password.encryptPassword(utf8("secret"), SCRAMBLE, RsaKeyPair.generate().publicKey());
        assertThatThrownBy(() -> CachingSha2Password.decryptPassword(ciphertext, SCRAMBLE, KEYS))
                .isInstanceOf(AuthException.class)
                .hasMessage("caching_sha2_password: RSA decryption failed");
    }

    @Test
    void storedHashRoundTrips() {
        byte[] salt = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);
        String stored = CachingSha2Password.storedHash(utf8("secret"), salt, 5);
        assertThat(stored).hasSize(70).startsWith("$A$005$0123456789abcdefghij");
        assertThat(CachingSha2Password.matchesStored(utf8("secret"), stored)).isTrue();
        assertThat(CachingSha2Password.matchesStored(utf8("secrets"), stored)).isFalse();
        // Rounds are part of the hash: the same salt with 6000 rounds gives another digest.
        assertThat(CachingSha2Password.storedHash(utf8("secret"), salt, 6)).isNotEqualTo(stored.replace("$005$", "$006$"));
    }

    @Test
    void mysqlPlaceholderHashMatchesNothingAndMalformedHashesAreRefused() {
        // MySQL's locked system accounts carry this string: a valid shape that no password matches.
        String placeholder = "$A$005$THISISACOMBINATIONOFINVALIDSALTANDPASSWORDTHATMUSTNEVERBRBEUSED";
        assertThat(CachingSha2Password.matchesStored(utf8(""), placeholder)).isFalse();
        assertThat(CachingSha2Password.matchesStored(utf8("secret"), placeholder)).isFalse();
        assertThatThrownBy(() -> CachingSha2Password.matchesStored(utf8("secret"), "$A$005$short"))
                .isInstanceOf(AuthException.class)
                .hasMessageContaining("not a caching_sha2_password hash");
    }
}

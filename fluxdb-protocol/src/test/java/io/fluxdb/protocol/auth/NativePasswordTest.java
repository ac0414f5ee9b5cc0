package io.fluxdb.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mysql.cj.protocol.Security;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.mariadb.jdbc.plugin.authentication.standard.NativePasswordPlugin;

class NativePasswordTest {
    /** Printable 20-byte nonces, as servers send them. */
    private static final byte[] SCRAMBLE = "4<m]Mhj&V~J^x7Gf+Nq@".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OTHER_SCRAMBLE = "a'Z6$3w!pYc;kR0%L9e{".getBytes(StandardCharsets.US_ASCII);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void storedHashMatchesMariaDbPasswordFunction() {
        // SELECT PASSWORD(...) on MariaDB 10.11.19 (client charset utf8mb4).
        assertThat(NativePassword.storedHash(utf8("secret"))).isEqualTo("*14E65567ABDB5135D0CFD9A70B3032C179A49EE7");
        assertThat(NativePassword.storedHash(utf8("Hello world!"))).isEqualTo("*0DA3D1CD83EC6FAE79E8E3859E146E74E1CE416A");
        assertThat(NativePassword.storedHash(utf8("pässwörd"))).isEqualTo("*0225EC5004ABB0B8CB557541FE53DE1A5D8CC825");
        assertThat(NativePassword.storedHash(new byte[0])).isEmpty();
    }

    @Test
    void responseMatchesBothConnectors() {
        for (String pw : new String[] {"secret", "pässwörd", "x"}) {
            byte[] ours = NativePassword.response(utf8(pw), SCRAMBLE);
            assertThat(ours).as(pw).isEqualTo(Security.scramble411(utf8(pw), SCRAMBLE));
            assertThat(ours).as(pw).isEqualTo(NativePasswordPlugin.encryptPassword(pw, SCRAMBLE));
        }
    }

    @Test
    void emptyPasswordGivesEmptyResponse() {
        assertThat(NativePassword.response(new byte[0], SCRAMBLE)).isEmpty();
    }

    @Test
    void trailingNulOfPluginDataIsIgnored() {
        assertThat(NativePassword.response(utf8("secret"), Scrambles.withNul(SCRAMBLE)))
                .isEqualTo(NativePassword.response(utf8("secret"), SCRAMBLE));
    }

    @Test
    void verifiesRightPasswordAndRejectsWrongOne() {
        byte[] stage2 = NativePassword.parseStoredHash("*14E65567ABDB5135D0CFD9A70B3032C179A49EE7");
        assertThat(NativePassword.verify(Security.scramble411(utf8("secret"), SCRAMBLE), SCRAMBLE, stage2)).isTrue();
        assertThat(NativePassword.verify(Security.scramble411(utf8("Secret"), SCRAMBLE), SCRAMBLE, stage2)).isFalse();
        assertThat(NativePassword.verify(Security.scramble411(utf8("secret"), OTHER_SCRAMBLE), SCRAMBLE, stage2)).isFalse();
        assertThat(NativePassword.verify(new byte[19], SCRAMBLE, stage2)).isFalse();
    }

    @Test
    void recoveredSha1AnswersANewScrambleLikeTheClientWould() throws Exception {
        byte[] stage2 = NativePassword.parseStoredHash(NativePassword.storedHash(utf8("pässwörd")));
        byte[] clientResponse = NativePasswordPlugin.encryptPassword("pässwörd", SCRAMBLE);

        byte[] sha1 = NativePassword.recoverSha1(clientResponse, SCRAMBLE, stage2).orElseThrow();

        assertThat(sha1).isEqualTo(java.security.MessageDigest.getInstance("SHA-1").digest(utf8("pässwörd")));
        assertThat(NativePassword.backendResponse(sha1, OTHER_SCRAMBLE))
                .isEqualTo(Security.scramble411(utf8("pässwörd"), OTHER_SCRAMBLE));
    }

    @Test
    void wrongResponseRecoversNothing() {
        byte[] stage2 = NativePassword.parseStoredHash(NativePassword.storedHash(utf8("secret")));
        assertThat(NativePassword.recoverSha1(Security.scramble411(utf8("guess"), SCRAMBLE), SCRAMBLE, stage2)).isEmpty();
    }

    @Test
    void parseStoredHashAcceptsLowerCaseAndRejectsOtherFormats() {
        byte[] upper = NativePassword.parseStoredHash("*14E65567ABDB5135D0CFD9A70B3032C179A49EE7");
        assertThat(NativePassword.parseStoredHash("*14e65567abdb5135d0cfd9a70b3032c179a49ee7")).isEqualTo(upper);
        assertThat(HexFormat.of().formatHex(upper)).isEqualTo("14e65567abdb5135d0cfd9a70b3032c179a49ee7");
        for (String bad : new String[] {"invalid", "", "14E65567ABDB5135D0CFD9A70B3032C179A49EE7",
            "*14E65567ABDB5135D0CFD9A70B3032C179A49EEZ", "$A$005$THISISACOMBINATIONOFINVALIDSALTANDPASSWORDTHATMUSTNEVERBRBEUSED"}) {
            assertThatThrownBy(() -> NativePassword.parseStoredHash(bad)).as(bad)
                    .isInstanceOf(AuthException.class)
                    .hasMessageContaining("not a mysql_native_password hash");
        }
    }

    @Test
    void generatedScramblesArePrintableAndDiffer() {
        byte[] a = Scrambles.generate();
        byte[] b = Scrambles.generate();
        assertThat(a).hasSize(20).isNotEqualTo(b);
        for (byte x : a) {
            assertThat(x & 0xff).isBetween(0x21, 0x7e);
        }
    }

    @Test
    void scrambleShorterThan20BytesIsRefused() {
        assertThatThrownBy(() -> NativePassword.response(utf8("secret"), new byte[8]))
                .isInstanceOf(AuthException.class)
                .hasMessage("scramble: 8 bytes (expected: >= 20)");
    }
}

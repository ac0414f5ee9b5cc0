package io.fluxdb.protocol.auth;

import static java.util.Objects.requireNonNull;

import java.util.HexFormat;
import java.util.Optional;

/**
 * MariaDB 11.4's "zero-configuration TLS" proof (MDEV-31855). After a successful authentication
 * the server puts, in the info field of the OK packet, the byte {@code 0x01} followed by the
 * upper-case hex of {@code SHA-256(password hash || scramble || SHA-256(server certificate, DER))}.
 * Only a server that knows the account's password hash can compute it, so a client that holds the
 * password can accept a certificate it could not verify otherwise (self-signed, no CA given),
 * while a man in the middle, who presents his own certificate, cannot produce the value for it.
 *
 * <p>The password hash is what the plugin's {@code hash_password} yields: for
 * {@code mysql_native_password}, SHA1(SHA1(password)), the binary form of the stored {@code *...}
 * hash. The scramble is the 20 bytes of the initial handshake, also for COM_CHANGE_USER. Clients
 * compare the hex exactly (Connector/C with {@code strcmp}, Connector/J with {@code equals}), so
 * upper case matters. Verified against MariaDB 11.4.5, which sends it with every login by
 * password whenever it has a certificate, and against Connector/J 4.0.0 and Connector/C 3.4.
 *
 * @see <a href="https://mariadb.com/docs/server/security/encryption/data-in-transit-encryption/zero-configuration-ssl">Zero-Configuration SSL</a>
 * @see <a href="https://jira.mariadb.org/browse/MDEV-31855">MDEV-31855 validate ssl certificates using client password</a>
 */
public final class TlsCertificateProof {
    /** The first character of the OK packet's info: the hex digest of SHA-256 follows. */
    public static final char SHA256_MARKER = '\u0001';

    private static final int SHA256_LENGTH = 32;
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private TlsCertificateProof() {}

    /** The certificate fingerprint the proof covers: SHA-256 of the DER-encoded certificate. */
    public static byte[] fingerprint(byte[] certificateDer) {
        requireNonNull(certificateDer, "certificateDer is null");
        if (certificateDer.length == 0) {
            throw new IllegalArgumentException("certificateDer is empty");
        }
        return CachingSha2Password.sha256(certificateDer);
    }

    /**
     * {@code SHA-256(passwordHash || scramble || fingerprint)}.
     *
     * @param passwordHash the plugin's password hash ({@link #passwordHash}), not empty
     * @param scramble the 20-byte scramble of the handshake (a trailing NUL is ignored)
     * @param fingerprint {@link #fingerprint} of the certificate the client was shown
     */
    public static byte[] digest(byte[] passwordHash, byte[] scramble, byte[] fingerprint) {
        requireNonNull(passwordHash, "passwordHash is null");
        requireNonNull(fingerprint, "fingerprint is null");
        if (passwordHash.length == 0) {
            throw new IllegalArgumentException("passwordHash is empty (no proof exists for the empty password)");
        }
        if (fingerprint.length != SHA256_LENGTH) {
            throw new IllegalArgumentException("fingerprint: " + fingerprint.length + " bytes (expected: "
                    + SHA256_LENGTH + ")");
        }
        return CachingSha2Password.sha256(passwordHash, Scrambles.normalize(scramble), fingerprint);
    }

    /** The OK packet's info text carrying the proof: {@link #SHA256_MARKER}, then 64 upper-case hex digits. */
    public static String okInfo(byte[] passwordHash, byte[] scramble, byte[] certificateDer) {
        return SHA256_MARKER + HEX.formatHex(digest(passwordHash, scramble, fingerprint(certificateDer)));
    }

    /**
     * The password hash a client computes for the plugin it authenticated with, from the
     * credential the operator holds after verifying it; empty when no proof can be given: another
     * plugin (only {@code mysql_native_password} among those FluxDB verifies has a hash clients
     * accept a proof for; caching_sha2_password has none) or the empty password.
     *
     * <p>For a native login the credential is SHA1(password), recovered from the client's response
     * and checked against the stored hash, so SHA1 of it is exactly the stored SHA1(SHA1(password)).
     */
    public static Optional<byte[]> passwordHash(String pluginName, Credential credential) {
        requireNonNull(pluginName, "pluginName is null");
        requireNonNull(credential, "credential is null");
        if (!pluginName.equals(NativePassword.NAME) || credential.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(switch (credential) {
            case Credential.NativeHash h -> NativePassword.sha1(h.sha1());
            case Credential.Password p -> NativePassword.sha1(NativePassword.sha1(p.bytes()));
        });
    }
}

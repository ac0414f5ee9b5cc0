package io.fluxdb.protocol.auth;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import javax.crypto.Cipher;

/**
 * The arithmetic of {@code caching_sha2_password}. The fast path proves knowledge of SHA256(pw)
 * to a server that caches SHA256(SHA256(pw)); full authentication sends the password itself,
 * over TLS or RSA-encrypted.
 *
 * @see <a href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_caching_sha2_authentication_exchanges.html">caching_sha2_password exchanges</a>
 */
public final class CachingSha2Password {
    /** The plugin name. */
    public static final String NAME = "caching_sha2_password";
    /** Client to server, without TLS: send me your RSA public key. */
    public static final byte REQUEST_PUBLIC_KEY = 0x02;
    /** Server to client, as AuthMoreData: the fast path succeeded, OK follows. */
    public static final byte FAST_AUTH_SUCCESS = 0x03;
    /** Server to client, as AuthMoreData: send the password (full authentication). */
    public static final byte PERFORM_FULL_AUTHENTICATION = 0x04;
    /** RSA padding MySQL 8.0.5+ servers and clients use for this plugin. */
    public static final String RSA_TRANSFORMATION = "RSA/ECB/OAEPWithSHA-1AndMGF1Padding";

    static final String STORED_PREFIX = "$A$";
    private static final int STORED_SALT_LENGTH = 20;
    private static final int STORED_DIGEST_LENGTH = 43;
    private static final int DIGEST_LENGTH = 32;

    private CachingSha2Password() {}

    /**
     * The client's fast-path response: {@code XOR(SHA256(pw), SHA256(SHA256(SHA256(pw)) + nonce))},
     * empty for the empty password.
     */
    public static byte[] scramble(byte[] password, byte[] scramble) {
        requireNonNull(password, "password is null");
        if (password.length == 0) {
            return new byte[0];
        }
        byte[] nonce = Scrambles.normalize(scramble);
        byte[] stage1 = sha256(password);
        return Scrambles.xor(stage1, sha256(sha256(stage1), nonce));
    }

    /** SHA256(SHA256(pw)): what the server's cache holds for a user. */
    public static byte[] cacheDigest(byte[] password) {
        requireNonNull(password, "password is null");
        return sha256(sha256(password));
    }

    /** True if {@code response} answers {@code scramble} for the cached SHA256(SHA256(pw)). */
    public static boolean verifyFast(byte[] response, byte[] scramble, byte[] cacheDigest) {
        requireNonNull(response, "response is null");
        requireNonNull(cacheDigest, "cacheDigest is null");
        if (response.length != DIGEST_LENGTH || cacheDigest.length != DIGEST_LENGTH) {
            return false;
        }
        byte[] stage1 = Scrambles.xor(response, sha256(cacheDigest, Scrambles.normalize(scramble)));
        return MessageDigest.isEqual(sha256(stage1), cacheDigest);
    }

    /** The full-authentication payload without TLS: {@code RSA-OAEP(XOR(pw + NUL, nonce))}. */
    public static byte[] encryptPassword(byte[] password, byte[] scramble, RSAPublicKey serverKey) {
        requireNonNull(password, "password is null");
        requireNonNull(serverKey, "serverKey is null");
        byte[] plain = Scrambles.xor(Arrays.copyOf(password, password.length + 1), Scrambles.normalize(scramble));
        try {
            Cipher cipher = Cipher.getInstance(RSA_TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, serverKey);
            return cipher.doFinal(plain);
        } catch (GeneralSecurityException e) {
            throw new AuthException("caching_sha2_password: RSA encryption failed: " + e.getMessage(), e);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /**
     * Undoes {@link #encryptPassword}: the password, without its NUL.
     *
     * @throws AuthException if the ciphertext does not decrypt
     */
    public static byte[] decryptPassword(byte[] ciphertext, byte[] scramble, RsaKeyPair keys) {
        requireNonNull(ciphertext, "ciphertext is null");
        requireNonNull(keys, "keys is null");
        byte[] plain = Scrambles.xor(keys.decrypt(ciphertext), Scrambles.normalize(scramble));
        return stripNul(plain);
    }

    /**
     * True if {@code password} matches a MySQL caching_sha2_password stored hash:
     * {@code $A$}, three hex digits of rounds in thousands, {@code $}, a 20-byte salt and the
     * 43-character SHA-256 crypt digest.
     *
     * @throws AuthException if the stored hash is not in that format
     */
    public static boolean matchesStored(byte[] password, String stored) {
        requireNonNull(password, "password is null");
        requireNonNull(stored, "stored is null");
        byte[] bytes = stored.getBytes(StandardCharsets.ISO_8859_1);
        int saltStart = STORED_PREFIX.length() + 4;
        if (!stored.startsWith(STORED_PREFIX) || bytes.length != saltStart + STORED_SALT_LENGTH + STORED_DIGEST_LENGTH
                || bytes[saltStart - 1] != '$') {
            throw new AuthException("stored hash is not a caching_sha2_password hash (expected: $A$NNN$ + 20-byte salt + 43 chars)");
        }
        int rounds;
        try {
            rounds = Integer.parseInt(stored.substring(STORED_PREFIX.length(), saltStart - 1), 16) * 1000;
        } catch (NumberFormatException e) {
            throw new AuthException("stored hash is not a caching_sha2_password hash (bad rounds)");
        }
        byte[] salt = Arrays.copyOfRange(bytes, saltStart, saltStart + STORED_SALT_LENGTH);
        byte[] expected = Arrays.copyOfRange(bytes, saltStart + STORED_SALT_LENGTH, bytes.length);
        byte[] actual = Sha256Crypt.digest(password, salt, rounds).getBytes(StandardCharsets.ISO_8859_1);
        return MessageDigest.isEqual(actual, expected);
    }

    /** A MySQL-format stored hash for {@code password} (for tests and tools). */
    static String storedHash(byte[] password, byte[] salt, int roundsInThousands) {
        if (salt.length != STORED_SALT_LENGTH) {
            throw new IllegalArgumentException("salt: " + salt.length + " bytes (expected: 20)");
        }
        return STORED_PREFIX + String.format("%03X", roundsInThousands) + "$"
                + new String(salt, StandardCharsets.ISO_8859_1)
                + Sha256Crypt.digest(password, salt, roundsInThousands * 1000);
    }

    static byte[] stripNul(byte[] data) {
        return data.length > 0 && data[data.length - 1] == 0 ? Arrays.copyOf(data, data.length - 1) : data;
    }

    static byte[] sha256(byte[]... parts) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        for (byte[] part : parts) {
            md.update(part);
        }
        return md.digest();
    }
}

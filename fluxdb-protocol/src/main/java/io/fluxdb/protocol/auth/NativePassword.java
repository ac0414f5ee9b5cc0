package io.fluxdb.protocol.auth;

import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The arithmetic of {@code mysql_native_password}. The server stores SHA1(SHA1(password)); the
 * client answers a scramble with {@code SHA1(pw) XOR SHA1(scramble + SHA1(SHA1(pw)))}. Whoever
 * holds the stored hash can therefore undo the XOR and recover SHA1(password) from one valid
 * response, and SHA1(password) answers any later scramble: that is how the operator logs in to
 * the engine as the client.
 *
 * @see <a href="https://mariadb.com/kb/en/connection/#mysql_native_password-plugin">mysql_native_password</a>
 */
public final class NativePassword {
    /** The plugin name. */
    public static final String NAME = "mysql_native_password";

    private static final int SHA1_LENGTH = 20;

    private NativePassword() {}

    /**
     * The client's auth response for {@code password} (empty for the empty password, as
     * clients send it).
     */
    public static byte[] response(byte[] password, byte[] scramble) {
        requireNonNull(password, "password is null");
        if (password.length == 0) {
            return new byte[0];
        }
        return backendResponse(sha1(password), scramble);
    }

    /**
     * The auth response for a scramble computed from SHA1(password) alone: exactly what a client
     * holding the password would send.
     *
     * @param sha1Password SHA1(password), 20 bytes
     * @param backendScramble the server's scramble (a trailing NUL is ignored)
     */
    public static byte[] backendResponse(byte[] sha1Password, byte[] backendScramble) {
        requireNonNull(sha1Password, "sha1Password is null");
        checkLength(sha1Password, "sha1Password");
        byte[] nonce = Scrambles.normalize(backendScramble);
        byte[] stage2 = sha1(sha1Password);
        return Scrambles.xor(sha1Password, sha1(nonce, stage2));
    }

    /** The hash the engine stores: {@code *} and 40 upper-case hex digits of SHA1(SHA1(pw)), as PASSWORD() returns. */
    public static String storedHash(byte[] password) {
        requireNonNull(password, "password is null");
        if (password.length == 0) {
            return "";
        }
        return "*" + HexFormat.of().withUpperCase().formatHex(sha1(sha1(password)));
    }

    /**
     * Parses a stored hash ({@code *} and 40 hex digits, either case) into SHA1(SHA1(pw)).
     *
     * @throws AuthException if it is not in that form
     */
    public static byte[] parseStoredHash(String storedHash) {
        requireNonNull(storedHash, "storedHash is null");
        if (storedHash.length() != 41 || storedHash.charAt(0) != '*') {
            throw new AuthException("stored hash is not a mysql_native_password hash (expected: '*' and 40 hex digits)");
        }
        try {
            return HexFormat.of().parseHex(storedHash, 1, 41);
        } catch (IllegalArgumentException e) {
            throw new AuthException("stored hash is not a mysql_native_password hash (expected: '*' and 40 hex digits)");
        }
    }

    /**
     * Checks a client's response and, if it is right, returns the SHA1(password) it was built
     * from.
     *
     * @param response the client's 20-byte auth response
     * @param scramble the scramble the server sent
     * @param stage2 SHA1(SHA1(password)) from {@link #parseStoredHash}
     * @return SHA1(password), or empty if the response does not match
     */
    public static Optional<byte[]> recoverSha1(byte[] response, byte[] scramble, byte[] stage2) {
        requireNonNull(response, "response is null");
        requireNonNull(stage2, "stage2 is null");
        checkLength(stage2, "stage2");
        if (response.length != SHA1_LENGTH) {
            return Optional.empty();
        }
        byte[] candidate = Scrambles.xor(response, sha1(Scrambles.normalize(scramble), stage2));
        return MessageDigest.isEqual(sha1(candidate), stage2) ? Optional.of(candidate) : Optional.empty();
    }

    /** True if {@code response} is the right answer to {@code scramble} for the stored SHA1(SHA1(pw)). */
    public static boolean verify(byte[] response, byte[] scramble, byte[] stage2) {
        return recoverSha1(response, scramble, stage2).isPresent();
    }

    static byte[] sha1(byte[]... parts) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
        for (byte[] part : parts) {
            md.update(part);
        }
        return md.digest();
    }

    private static void checkLength(byte[] bytes, String what) {
        if (bytes.length != SHA1_LENGTH) {
            throw new IllegalArgumentException(what + ": " + bytes.length + " bytes (expected: " + SHA1_LENGTH + ")");
        }
    }
}

package io.fluxdb.protocol.auth;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256-based crypt(3) as specified by Ulrich Drepper, which MySQL's caching_sha2_password
 * uses for its stored hash. Unlike {@code $5$} hashes, MySQL passes the whole salt (20 bytes)
 * instead of cutting it at 16, so this implementation takes the salt as given.
 *
 * @see <a href="https://www.akkadia.org/drepper/SHA-crypt.txt">Unix crypt using SHA-256 and SHA-512</a>
 */
final class Sha256Crypt {
    private static final String ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final int[][] GROUPS = {
        {0, 10, 20}, {21, 1, 11}, {12, 22, 2}, {3, 13, 23}, {24, 4, 14},
        {15, 25, 5}, {6, 16, 26}, {27, 7, 17}, {18, 28, 8}, {9, 19, 29},
    };

    private Sha256Crypt() {}

    /** The 43-character encoded digest of {@code password} with {@code salt} after {@code rounds} rounds. */
    static String digest(byte[] password, byte[] salt, int rounds) {
        MessageDigest md = sha256();
        md.update(password);
        md.update(salt);
        md.update(password);
        byte[] b = md.digest();

        md.update(password);
        md.update(salt);
        addRepeated(md, b, password.length);
        for (int n = password.length; n > 0; n >>>= 1) {
            md.update((n & 1) != 0 ? b : password);
        }
        byte[] a = md.digest();

        for (int i = 0; i < password.length; i++) {
            md.update(password);
        }
        byte[] p = repeatTo(md.digest(), password.length);

        for (int i = 0; i < 16 + (a[0] & 0xff); i++) {
            md.update(salt);
        }
        byte[] s = repeatTo(md.digest(), salt.length);

        byte[] c = a;
        for (int i = 0; i < rounds; i++) {
            md.update((i & 1) != 0 ? p : c);
            if (i % 3 != 0) {
                md.update(s);
            }
            if (i % 7 != 0) {
                md.update(p);
            }
            md.update((i & 1) != 0 ? c : p);
            c = md.digest();
        }
        return encode(c);
    }

    private static String encode(byte[] c) {
        StringBuilder out = new StringBuilder(43);
        for (int[] g : GROUPS) {
            encode24(out, c[g[0]], c[g[1]], c[g[2]], 4);
        }
        encode24(out, (byte) 0, c[31], c[30], 3);
        return out.toString();
    }

    private static void encode24(StringBuilder out, byte b2, byte b1, byte b0, int chars) {
        int w = ((b2 & 0xff) << 16) | ((b1 & 0xff) << 8) | (b0 & 0xff);
        for (int i = 0; i < chars; i++) {
            out.append(ITOA64.charAt(w & 0x3f));
            w >>>= 6;
        }
    }

    private static void addRepeated(MessageDigest md, byte[] block, int length) {
        int n = length;
        for (; n > block.length; n -= block.length) {
            md.update(block);
        }
        md.update(block, 0, n);
    }

    private static byte[] repeatTo(byte[] block, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = block[i % block.length];
        }
        return out;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}

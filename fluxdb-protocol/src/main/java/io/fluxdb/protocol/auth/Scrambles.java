package io.fluxdb.protocol.auth;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.util.Arrays;

/** The 20-byte nonce ("scramble", "auth-plugin-data") both native and SHA-2 plugins use. */
public final class Scrambles {
    /** Length of the scramble: SCRAMBLE_LENGTH in the server sources. */
    public static final int LENGTH = 20;

    private static final SecureRandom RANDOM = new SecureRandom();

    private Scrambles() {}

    /**
     * A fresh scramble of printable ASCII ({@code 0x21..0x7e}). Servers send no NUL and no
     * space in it because old clients read part 2 of HandshakeV10's auth-plugin-data as a
     * NUL-terminated string.
     */
    public static byte[] generate() {
        byte[] scramble = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            scramble[i] = (byte) (0x21 + RANDOM.nextInt(0x7e - 0x21 + 1));
        }
        return scramble;
    }

    /**
     * The 20 scramble bytes of plugin data as a server sends it: HandshakeV10 and AuthSwitchRequest
     * both append a NUL after the 20 bytes, which is not part of the nonce.
     *
     * @throws AuthException if fewer than 20 bytes are given
     */
    public static byte[] normalize(byte[] pluginData) {
        requireNonNull(pluginData, "pluginData is null");
        if (pluginData.length < LENGTH) {
            throw new AuthException("scramble: " + pluginData.length + " bytes (expected: >= " + LENGTH + ")");
        }
        return Arrays.copyOf(pluginData, LENGTH);
    }

    /** The plugin data of an AuthSwitchRequest for {@code scramble}: the 20 bytes and a NUL. */
    public static byte[] withNul(byte[] scramble) {
        return Arrays.copyOf(normalize(scramble), LENGTH + 1);
    }

    static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i % b.length]);
        }
        return out;
    }
}

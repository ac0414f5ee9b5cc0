package io.fluxdb.protocol.client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * mysql_native_password for tests, as an independent implementation of the scramble:
 * SHA1(password) XOR SHA1(scramble + SHA1(SHA1(password))).
 */
public final class NativePasswordAuthenticator {
    private NativePasswordAuthenticator() {}

    public static byte[] scramble(String password, byte[] scramble) {
        if (password.isEmpty()) {
            return new byte[0];
        }
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] stage1 = sha1.digest(password.getBytes(StandardCharsets.UTF_8));
            byte[] stage2 = sha1.digest(stage1);
            sha1.update(scramble, 0, 20);
            byte[] mask = sha1.digest(stage2);
            for (int i = 0; i < stage1.length; i++) {
                stage1[i] ^= mask[i];
            }
            return stage1;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

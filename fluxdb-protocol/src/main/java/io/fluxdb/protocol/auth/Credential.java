package io.fluxdb.protocol.auth;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What a client knows to prove its identity: either the password itself or, for
 * {@code mysql_native_password} only, its password-equivalent SHA1(password), which is what the
 * operator recovers from a client's native response and uses to log in to the engine as that
 * client. {@code toString} never shows the secret; {@code equals} compares contents in constant
 * time.
 */
public sealed interface Credential {
    /** A cleartext password, as UTF-8 bytes (the connection character set FluxDB uses). */
    static Credential password(String password) {
        return new Password(requireNonNull(password, "password is null").getBytes(StandardCharsets.UTF_8));
    }

    /** True for the empty password, which every plugin answers with an empty response. */
    boolean isEmpty();

    /** A cleartext password. */
    record Password(byte[] bytes) implements Credential {
        public Password {
            bytes = requireNonNull(bytes, "bytes is null").clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean isEmpty() {
            return bytes.length == 0;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Password p && java.security.MessageDigest.isEqual(bytes, p.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Password[***]";
        }
    }

    /** SHA1(password): enough to answer a {@code mysql_native_password} scramble, and nothing else. */
    record NativeHash(byte[] sha1) implements Credential {
        public NativeHash {
            requireNonNull(sha1, "sha1 is null");
            if (sha1.length != 20) {
                throw new IllegalArgumentException("sha1: " + sha1.length + " bytes (expected: 20)");
            }
            sha1 = sha1.clone();
        }

        @Override
        public byte[] sha1() {
            return sha1.clone();
        }

        @Override
        public boolean isEmpty() {
            return false;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof NativeHash h && java.security.MessageDigest.isEqual(sha1, h.sha1);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(sha1);
        }

        @Override
        public String toString() {
            return "NativeHash[***]";
        }
    }
}

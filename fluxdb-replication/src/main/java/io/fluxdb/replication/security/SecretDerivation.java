package io.fluxdb.replication.security;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * Values every node derives from the cluster secret with HKDF-SHA256 (RFC 5869), each under its own label, so the
 * same secret gives the same values on every node and nothing derived reveals the secret or another value.
 */
public final class SecretDerivation {
    private static final byte[] SALT = "FluxDB cluster secret v1".getBytes(StandardCharsets.US_ASCII);

    private SecretDerivation() {
    }

    /** {@code length} bytes for {@code label}. */
    static byte[] derive(String secret, String label, int length) {
        requireNonNull(secret, "secret is null");
        requireNonNull(label, "label is null");
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(secret.getBytes(StandardCharsets.UTF_8), SALT,
                label.getBytes(StandardCharsets.US_ASCII)));
        byte[] out = new byte[length];
        hkdf.generateBytes(out, 0, length);
        return out;
    }

    /**
     * The key a node signs its forwarded sessions with (an HMAC of the leader's scramble), so the leader admits them as
     * coming from a member of the cluster.
     */
    public static byte[] forwardingKey(String secret) {
        return derive(secret, "forwarded session proof", 32);
    }

    /** The id of the cluster's Raft group: a UUID (version 8, custom) derived from the secret. */
    public static UUID groupId(String secret) {
        ByteBuffer bytes = ByteBuffer.wrap(derive(secret, "raft group id", 16));
        long high = (bytes.getLong() & ~0xF000L) | 0x8000L;
        long low = (bytes.getLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low);
    }
}

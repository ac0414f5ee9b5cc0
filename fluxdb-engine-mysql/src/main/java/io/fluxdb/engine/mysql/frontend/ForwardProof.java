package io.fluxdb.engine.mysql.frontend;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Proof that a client connection is a forwarded session opened by a node of this cluster: an HMAC-SHA256, under a key
 * every node derives from the cluster secret, of the scramble this server sent for this one connection and of the
 * user name. It travels as a connection attribute; the leader admits a connection that carries a valid one whatever
 * WHITELIST or AUTH_MASTER_ONLY say (the user's password is still checked). A proof is worth nothing on another
 * connection, whose scramble differs.
 */
final class ForwardProof {
    /** The connection attribute that carries the proof. */
    static final String ATTRIBUTE = "fluxdb_forward_proof";

    private final SecretKeySpec key;

    /** @param key at least 32 bytes derived from the cluster secret for this purpose only */
    ForwardProof(byte[] key) {
        requireNonNull(key, "key is null");
        if (key.length < 32) {
            throw new IllegalArgumentException("key: " + key.length + " bytes (expected: at least 32)");
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    }

    /** The proof for a login as {@code user} answering {@code scramble}, in hex. */
    String sign(byte[] scramble, String user) {
        return HexFormat.of().formatHex(mac(scramble, user));
    }

    /** Whether {@code proof} is this cluster's for this scramble and user (in constant time). */
    boolean verify(byte[] scramble, String user, String proof) {
        if (proof == null) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(proof);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(mac(scramble, user), given);
    }

    private byte[] mac(byte[] scramble, String user) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(scramble);
            mac.update((byte) 0);
            mac.update(user.getBytes(UTF_8));
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}

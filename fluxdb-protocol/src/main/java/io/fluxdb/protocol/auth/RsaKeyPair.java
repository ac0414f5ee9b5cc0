package io.fluxdb.protocol.auth;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import javax.crypto.Cipher;

/**
 * The server's RSA key pair for caching_sha2_password full authentication without TLS. The
 * public key goes to clients as PEM SubjectPublicKeyInfo ({@code -----BEGIN PUBLIC KEY-----}),
 * the form MySQL servers send and MySQL clients parse. {@code toString} shows no key material.
 */
public final class RsaKeyPair {
    private static final String PUBLIC_HEADER = "-----BEGIN PUBLIC KEY-----";
    private static final String PUBLIC_FOOTER = "-----END PUBLIC KEY-----";
    private static final String PKCS8_HEADER = "-----BEGIN PRIVATE KEY-----";
    private static final String PKCS8_FOOTER = "-----END PRIVATE KEY-----";
    private static final String PKCS1_HEADER = "-----BEGIN RSA PRIVATE KEY-----";
    private static final String PKCS1_FOOTER = "-----END RSA PRIVATE KEY-----";
    /** DER of AlgorithmIdentifier { rsaEncryption, NULL }. */
    private static final byte[] RSA_ALGORITHM_ID = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
    };

    private final RSAPrivateCrtKey privateKey;
    private final RSAPublicKey publicKey;

    private RsaKeyPair(RSAPrivateCrtKey privateKey, RSAPublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** A fresh 2048-bit key pair. */
    public static RsaKeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            var pair = generator.generateKeyPair();
            return new RsaKeyPair((RSAPrivateCrtKey) pair.getPrivate(), (RSAPublicKey) pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has RSA", e);
        }
    }

    /**
     * Loads a PEM private key: PKCS#8 ({@code BEGIN PRIVATE KEY}) or PKCS#1
     * ({@code BEGIN RSA PRIVATE KEY}, what MySQL's {@code private_key.pem} holds). The public key
     * is derived from it.
     *
     * @throws IllegalArgumentException if the PEM is not an unencrypted RSA private key
     */
    public static RsaKeyPair fromPem(String privateKeyPem) {
        requireNonNull(privateKeyPem, "privateKeyPem is null");
        byte[] pkcs8;
        if (privateKeyPem.contains(PKCS8_HEADER)) {
            pkcs8 = pemBody(privateKeyPem, PKCS8_HEADER, PKCS8_FOOTER);
        } else if (privateKeyPem.contains(PKCS1_HEADER)) {
            pkcs8 = wrapPkcs1(pemBody(privateKeyPem, PKCS1_HEADER, PKCS1_FOOTER));
        } else {
            throw new IllegalArgumentException("private key PEM: no " + PKCS8_HEADER + " or " + PKCS1_HEADER);
        }
        try {
            KeyFactory factory = KeyFactory.getInstance("RSA");
            RSAPrivateCrtKey privateKey = (RSAPrivateCrtKey) factory.generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            RSAPublicKey publicKey = (RSAPublicKey) factory.generatePublic(
                    new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
            return new RsaKeyPair(privateKey, publicKey);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("private key PEM: not an RSA private key", e);
        }
    }

    /**
     * Parses a PEM SubjectPublicKeyInfo, as a server sends it in AuthMoreData.
     *
     * @throws AuthException if it is not an RSA public key in that form
     */
    public static RSAPublicKey parsePublicKeyPem(String pem) {
        requireNonNull(pem, "pem is null");
        try {
            byte[] der = pemBody(pem, PUBLIC_HEADER, PUBLIC_FOOTER);
            return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            throw new AuthException("server public key: not a PEM RSA public key (" + PUBLIC_HEADER + ")", e);
        }
    }

    public RSAPublicKey publicKey() {
        return publicKey;
    }

    /** The public key as PEM SubjectPublicKeyInfo, 64 characters a line, with a final newline. */
    public String publicKeyPem() {
        return PUBLIC_HEADER + "\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(publicKey.getEncoded())
                + "\n" + PUBLIC_FOOTER + "\n";
    }

    /** The private key as PEM PKCS#8, for storing a generated key. */
    public String privateKeyPem() {
        return PKCS8_HEADER + "\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(privateKey.getEncoded())
                + "\n" + PKCS8_FOOTER + "\n";
    }

    /**
     * Decrypts with {@link CachingSha2Password#RSA_TRANSFORMATION}.
     *
     * @throws AuthException if the ciphertext does not decrypt with this key
     */
    byte[] decrypt(byte[] ciphertext) {
        try {
            Cipher cipher = Cipher.getInstance(CachingSha2Password.RSA_TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, privateKey);
            return cipher.doFinal(ciphertext);
        } catch (GeneralSecurityException e) {
            throw new AuthException("caching_sha2_password: RSA decryption failed", e);
        }
    }

    @Override
    public String toString() {
        return "RsaKeyPair[" + publicKey.getModulus().bitLength() + " bits]";
    }

    private static byte[] pemBody(String pem, String header, String footer) {
        int start = pem.indexOf(header);
        int end = pem.indexOf(footer);
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("PEM: no " + header + " ... " + footer);
        }
        return Base64.getMimeDecoder().decode(pem.substring(start + header.length(), end));
    }

    /** PrivateKeyInfo ::= SEQUENCE { version 0, AlgorithmIdentifier, OCTET STRING pkcs1 } (RFC 5208). */
    private static byte[] wrapPkcs1(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(RSA_ALGORITHM_ID);
        body.write(0x04);
        writeDerLength(body, pkcs1.length);
        body.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        writeDerLength(out, body.size());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static void writeDerLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >>> 8);
            out.write(length);
        } else {
            out.write(0x83);
            out.write(length >>> 16);
            out.write(length >>> 8);
            out.write(length);
        }
    }
}

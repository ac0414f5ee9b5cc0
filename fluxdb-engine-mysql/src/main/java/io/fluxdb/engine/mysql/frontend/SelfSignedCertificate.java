package io.fluxdb.engine.mysql.frontend;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A self-signed X.509 v3 certificate made in process: an EC P-256 key, {@code CN=<name>}, the subject
 * alternative names {@code localhost} and {@code 127.0.0.1}, signed SHA256withECDSA. The JDK signs but
 * has no public API to build a certificate, so the DER is written here (RFC 5280, section 4.1); the
 * JDK's own parser then checks it. Running {@code keytool} instead costs a second JVM: seconds of the
 * operator's start, more on a loaded host.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc5280#section-4.1">RFC 5280: Basic Certificate Fields</a>
 */
final class SelfSignedCertificate {
    private static final int[] EC_PUBLIC_KEY_SIGNATURE = {1, 2, 840, 10045, 4, 3, 2}; // ecdsa-with-SHA256
    private static final int[] COMMON_NAME = {2, 5, 4, 3};
    private static final int[] SUBJECT_ALT_NAME = {2, 5, 29, 17};
    private static final int[] BASIC_CONSTRAINTS = {2, 5, 29, 19};
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter GENERALIZED_TIME =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    private SelfSignedCertificate() {}

    /** A new key pair and its certificate, valid from an hour ago for {@code validity}. */
    record Generated(KeyPair keyPair, X509Certificate certificate) {}

    static Generated generate(String commonName, Duration validity) throws GeneralSecurityException {
        requireNonNull(commonName, "commonName is null");
        requireNonNull(validity, "validity is null");
        SecureRandom random = new SecureRandom();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        KeyPair keys = generator.generateKeyPair();
        Instant notBefore = Instant.now().minus(Duration.ofHours(1));
        byte[] signatureAlgorithm = sequence(oid(EC_PUBLIC_KEY_SIGNATURE));
        byte[] name = sequence(set(sequence(oid(COMMON_NAME), tlv(0x0C, commonName.getBytes(StandardCharsets.UTF_8)))));
        byte[] serial = new byte[16];
        random.nextBytes(serial);
        byte[] tbs = sequence(
                tlv(0xA0, integer(BigInteger.TWO)),                          // version: v3
                integer(new BigInteger(1, serial)),
                signatureAlgorithm,
                name,
                sequence(time(notBefore), time(notBefore.plus(validity))),
                name,
                keys.getPublic().getEncoded(),                              // SubjectPublicKeyInfo, DER already
                tlv(0xA3, sequence(
                        sequence(oid(BASIC_CONSTRAINTS), tlv(0x04, sequence())),  // not a CA
                        sequence(oid(SUBJECT_ALT_NAME), tlv(0x04, sequence(
                                tlv(0x82, "localhost".getBytes(StandardCharsets.US_ASCII)),  // dNSName
                                tlv(0x87, new byte[] {127, 0, 0, 1})))))));                  // iPAddress
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(keys.getPrivate(), random);
        signer.update(tbs);
        byte[] signature = signer.sign();
        byte[] bitString = new byte[signature.length + 1];                  // no unused bits
        System.arraycopy(signature, 0, bitString, 1, signature.length);
        byte[] der = sequence(tbs, signatureAlgorithm, tlv(0x03, bitString));
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
        certificate.verify(keys.getPublic());
        return new Generated(keys, certificate);
    }

    /** UTCTime until 2049, GeneralizedTime from 2050 (RFC 5280, 4.1.2.5). */
    private static byte[] time(Instant instant) {
        boolean utc = instant.atZone(ZoneOffset.UTC).getYear() < 2050;
        String text = (utc ? UTC_TIME : GENERALIZED_TIME).format(instant);
        return tlv(utc ? 0x17 : 0x18, text.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] integer(BigInteger value) {
        return tlv(0x02, value.toByteArray());
    }

    private static byte[] oid(int[] arcs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(arcs[0] * 40 + arcs[1]);
        for (int i = 2; i < arcs.length; i++) {
            int arc = arcs[i];
            // Base 128, most significant group first, every group but the last with its high bit set.
            int groups = 1;
            for (int v = arc >>> 7; v != 0; v >>>= 7) {
                groups++;
            }
            for (int g = groups - 1; g >= 0; g--) {
                out.write(((arc >>> (7 * g)) & 0x7F) | (g == 0 ? 0 : 0x80));
            }
        }
        return tlv(0x06, out.toByteArray());
    }

    private static byte[] sequence(byte[]... parts) {
        return tlv(0x30, concat(parts));
    }

    private static byte[] set(byte[]... parts) {
        return tlv(0x31, concat(parts));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** Tag, DER length (short form below 128, else long form), value. */
    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
        out.write(tag);
        int length = value.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = length < 0x100 ? 1 : length < 0x10000 ? 2 : length < 0x1000000 ? 3 : 4;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(value);
        return out.toByteArray();
    }
}

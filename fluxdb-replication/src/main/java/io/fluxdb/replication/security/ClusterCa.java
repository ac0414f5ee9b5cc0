package io.fluxdb.replication.security;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The cluster's certificate authority. Its EC P-256 key is derived from the cluster secret, so every node holds the
 * same CA without ever sending it anywhere, each node signs its own certificate at start, and a certificate from
 * this CA proves that its holder knows the secret. Someone with another secret derives another CA.
 */
public final class ClusterCa {
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final Instant CA_NOT_BEFORE = Instant.parse("2020-01-01T00:00:00Z");
    private static final Instant CA_NOT_AFTER = Instant.parse("2120-01-01T00:00:00Z");
    private static final Duration NODE_VALIDITY = Duration.ofDays(3650);
    private static final Duration CLOCK_SKEW = Duration.ofHours(1);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final KeyPair keyPair;
    private final X500Name name;
    private final X509Certificate certificate;

    private ClusterCa(KeyPair keyPair) throws GeneralSecurityException {
        this.keyPair = keyPair;
        String fingerprint = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(keyPair.getPublic().getEncoded()), 0, 8);
        this.name = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "FluxDB")
                .addRDN(BCStyle.CN, "FluxDB cluster CA " + fingerprint)
                .build();
        this.certificate = selfSign();
    }

    /** The CA of the cluster whose secret is {@code secret}. */
    public static ClusterCa derive(String secret) {
        try {
            ECParameterSpec curve = p256();
            X9ECParameters bcCurve = CustomNamedCurves.getByName("secp256r1");
            // 40 bytes reduced modulo n-1: the bias of the reduction is below 2^-64
            BigInteger d = new BigInteger(1, SecretDerivation.derive(secret, "raft ca key", 40))
                    .mod(bcCurve.getN().subtract(BigInteger.ONE)).add(BigInteger.ONE);
            org.bouncycastle.math.ec.ECPoint q = new FixedPointCombMultiplier().multiply(bcCurve.getG(), d).normalize();
            KeyFactory keys = KeyFactory.getInstance("EC");
            PrivateKey privateKey = keys.generatePrivate(new ECPrivateKeySpec(d, curve));
            PublicKey publicKey = keys.generatePublic(new ECPublicKeySpec(
                    new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()), curve));
            return new ClusterCa(new KeyPair(publicKey, privateKey));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive the cluster CA: " + e.getMessage(), e);
        }
    }

    /** The CA certificate (self-signed), the only trust anchor of the Raft port. */
    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * Issues a certificate for a node: a fresh key pair, the node id as common name, and {@code hosts} (IP
     * addresses or DNS names) as subject alternative names; valid as TLS server and client.
     */
    public NodeIdentity issue(String nodeId, List<String> hosts) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair node = generator.generateKeyPair();
            Instant now = Instant.now();
            Instant notAfter = now.plus(NODE_VALIDITY).isBefore(CA_NOT_AFTER) ? now.plus(NODE_VALIDITY) : CA_NOT_AFTER;
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.O, "FluxDB")
                    .addRDN(BCStyle.CN, nodeId)
                    .build();
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(127, new SecureRandom()).add(BigInteger.ONE), Date.from(now.minus(CLOCK_SKEW)),
                    Date.from(notAfter), subject, node.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            utils.createSubjectKeyIdentifier(node.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            utils.createAuthorityKeyIdentifier(keyPair.getPublic()));
            if (!hosts.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames(hosts));
            }
            return new NodeIdentity(node.getPrivate(), sign(builder), certificate);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + nodeId + ": " + e.getMessage(), e);
        }
    }

    private X509Certificate selfSign() throws GeneralSecurityException {
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                    Date.from(CA_NOT_BEFORE), Date.from(CA_NOT_AFTER), name, keyPair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            utils.createSubjectKeyIdentifier(keyPair.getPublic()));
            return sign(builder);
        } catch (CertIOException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private X509Certificate sign(X509v3CertificateBuilder builder) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(SIGNATURE).build(keyPair.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static GeneralNames alternativeNames(List<String> hosts) {
        List<GeneralName> names = new ArrayList<>();
        for (String host : hosts) {
            names.add(isIpLiteral(host) ? new GeneralName(GeneralName.iPAddress, host)
                    : new GeneralName(GeneralName.dNSName, host));
        }
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || IPV4.matcher(host).matches();
    }

    private static ECParameterSpec p256() throws GeneralSecurityException {
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec("secp256r1"));
        return parameters.getParameterSpec(ECParameterSpec.class);
    }
}

package io.fluxdb.replication.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fluxdb.replication.RaftCluster;
import io.fluxdb.replication.RaftClusterConfig;
import io.fluxdb.replication.testing.TestCluster;
import io.fluxdb.replication.testing.TestCluster.Node;
import io.fluxdb.replication.testing.TestEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Strangers that know a node's Raft address and port: a TLS client without a certificate, one with a self-signed
 * certificate, one speaking plaintext, and a node configured with another secret. A client holding a certificate
 * from the cluster CA shows that the same request does get an answer. Each refusal goes to a node that has not
 * logged one of its kind yet, since refusals are logged at most once per kind and node every 10 seconds.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RaftSecurityIT {
    /** The HTTP/2 client preface and an empty SETTINGS frame: what a gRPC client sends first. */
    private static final byte[] HTTP2_HELLO = concat("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
            new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});

    @TempDir
    static Path directory;
    static TestCluster cluster;

    private final ListAppender<ILoggingEvent> refusals = new ListAppender<>();
    private final Logger refusalLogger = (Logger) LoggerFactory.getLogger(RefusalLog.class);

    @BeforeAll
    static void start() {
        cluster = TestCluster.start(directory, 3);
        cluster.awaitLeader();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void captureRefusals() {
        refusals.start();
        refusalLogger.addAppender(refusals);
    }

    @AfterEach
    void release() {
        refusalLogger.detachAppender(refusals);
    }

    @Test
    @Order(1)
    void aClientWithTheClustersCertificateIsAnswered() throws Exception {
        NodeIdentity member = ClusterCa.derive(TestCluster.SECRET).issue("a-member", List.of("127.0.0.1"));
        try (SSLSocket socket = tlsSocket(cluster.node(0), new NodeKeyManager(member))) {
            assertThat(answered(socket)).isTrue();
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
        }
    }

    @Test
    @Order(2)
    void aTlsClientWithoutACertificateIsRefusedAndLogged() throws Exception {
        try (SSLSocket socket = tlsSocket(cluster.node(0), null)) {
            assertThat(answered(socket)).isFalse();
        }
        awaitRefusal("NO_MUTUAL_TLS");
    }

    @Test
    @Order(3)
    void aClientWithASelfSignedCertificateIsRefusedAndLogged() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        X500Name name = new X500Name("CN=stranger");
        X509Certificate selfSigned = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                name, BigInteger.valueOf(7), Date.from(Instant.now().minusSeconds(60)),
                Date.from(Instant.now().plusSeconds(3600)), name, keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        try (SSLSocket socket = tlsSocket(cluster.node(1), new NodeKeyManager(
                new NodeIdentity(keys.getPrivate(), selfSigned, selfSigned)))) {
            assertThat(answered(socket)).isFalse();
        }
        ILoggingEvent line = awaitRefusal("UNTRUSTED_CERTIFICATE");
        assertThat(line.getFormattedMessage()).contains("CN=stranger");
    }

    @Test
    @Order(4)
    void aPlaintextClientIsRefusedAndLogged() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(cluster.node(2).member.raftAddress(), 5000);
            socket.setSoTimeout(5000);
            assertThat(answered(socket)).isFalse();
        }
        awaitRefusal("NO_MUTUAL_TLS");
    }

    @Test
    @Order(5)
    void aNodeWithAnotherSecretCannotJoinAndIsRefused() throws Exception {
        Node leader = cluster.awaitLeader();
        // the nodes left must include one that has not logged a refused certificate (node 1 has)
        Node replaced = cluster.followers(leader).stream().filter(n -> n != cluster.node(1)).findFirst()
                .orElseThrow();
        cluster.stop(replaced);
        String otherSecret = "another-secret-0123456789";
        TestEngine rogueEngine = new TestEngine("rogue");
        RaftClusterConfig rogueConfig = new RaftClusterConfig(replaced.id(), cluster.members(),
                replaced.member.raftAddress(), directory.resolve("rogue"), otherSecret, TestCluster.TUNING);
        String rogueCa = ClusterCa.derive(otherSecret).certificate().getSubjectX500Principal().getName();
        try (RaftCluster rogue = RaftCluster.start(rogueConfig, rogueEngine)) {
            long last = 0;
            for (int i = 0; i < 5; i++) {
                last = cluster.write(leader, "put guarded" + i + " " + i).index();
            }
            for (Node node : cluster.running()) {
                TestCluster.join(node.cluster().awaitApplied(last, TestCluster.WAIT));
            }
            // a member refused the rogue's certificate, issued by the CA of the other secret
            await().atMost(TestCluster.WAIT).until(() -> refusals.list.stream()
                    .anyMatch(e -> e.getFormattedMessage().contains("(UNTRUSTED_CERTIFICATE)")
                            && e.getFormattedMessage().contains(rogueCa)));
            assertThat(rogueEngine.appliedLog()).isEmpty();
            assertThat(rogueEngine.value("guarded4")).isEmpty();
            assertThat(rogue.role().leaderId()).isEmpty();
            assertThat(rogue.appliedIndex()).isZero();
        } finally {
            cluster.restart(replaced);
        }
        cluster.awaitLeader();
    }

    private ILoggingEvent awaitRefusal(String kind) {
        await().atMost(Duration.ofSeconds(10)).until(() -> refusals.list.stream()
                .anyMatch(e -> e.getFormattedMessage().contains("(" + kind + ")")));
        ILoggingEvent line = refusals.list.stream().filter(e -> e.getFormattedMessage().contains("(" + kind + ")"))
                .findFirst().orElseThrow();
        assertThat(line.getThrowableProxy()).as("a refusal is one line without a stack trace").isNull();
        assertThat(line.getFormattedMessage()).doesNotContain("\n");
        return line;
    }

    /** Sends what a gRPC client sends first and reports whether the server answered anything. */
    private static boolean answered(Socket socket) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write(HTTP2_HELLO);
            out.flush();
            InputStream in = socket.getInputStream();
            return in.read() != -1;
        } catch (IOException refused) {
            return false;
        }
    }

    private static SSLSocket tlsSocket(Node target, KeyManager keyManager) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManager == null ? null : new KeyManager[] {keyManager},
                new TrustManager[] {new TrustingEveryServer()}, new SecureRandom());
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
        InetSocketAddress address = target.member.raftAddress();
        socket.connect(address, 5000);
        socket.setSoTimeout(5000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"h2"});
        socket.setSSLParameters(parameters);
        return socket;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = new byte[a.length + b.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    /** The stranger does not care who the server is: only whether it is let in. */
    private static final class TrustingEveryServer implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}

package io.fluxdb.api.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fluxdb.replication.security.ClusterTls;
import io.fluxdb.replication.security.RefusalLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The internal API over real sockets: routes, JSON, streaming, who-am-I, and every kind of caller it refuses. */
class InternalApiServerTest {
    static final String SECRET = "internal-api-test-secret-0123456789";

    public record Echo(String text, int number) {
    }

    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(RefusalLog.class);
    private final RefusalLog serverRefusals = new RefusalLog("internal API", Duration.ZERO, System::nanoTime);
    private final RefusalLog clientRefusals = new RefusalLog("test client", Duration.ZERO, System::nanoTime);
    private InternalApiServer server;

    @BeforeEach
    void start() throws IOException {
        lines.start();
        logger.addAppender(lines);
        server = startServer(0);
    }

    private InternalApiServer startServer(int port) throws IOException {
        ClusterTls tls = ClusterTls.forNode(SECRET, "server", List.of("127.0.0.1"), serverRefusals);
        return InternalApiServer.builder(new InetSocketAddress("127.0.0.1", port), tls, serverRefusals)
                .route("POST", "/v1/echo", exchange -> {
                    Echo echo = exchange.readJson(Echo.class);
                    exchange.respondJson(200, Echo.class, new Echo(echo.text() + " from " + exchange.peerName(),
                            echo.number() + 1));
                })
                .route("GET", "/v1/bytes", exchange -> {
                    long count = Long.parseLong(exchange.query("count").orElse("0"));
                    Random random = new Random(count);
                    byte[] chunk = new byte[64 << 10];
                    try (OutputStream out = exchange.respondStream(200, "application/octet-stream")) {
                        for (long left = count; left > 0; left -= chunk.length) {
                            random.nextBytes(chunk);
                            out.write(chunk, 0, (int) Math.min(chunk.length, left));
                        }
                    }
                })
                .start();
    }

    @AfterEach
    void stop() {
        server.close();
        logger.detachAppender(lines);
    }

    private InternalApiClient client(String secret, Optional<InetAddress> local) {
        return InternalApiClient.create(ClusterTls.forNode(secret, "caller", List.of(), clientRefusals), local,
                Duration.ofSeconds(10));
    }

    private List<String> serverLines() {
        return lines.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(line -> line.startsWith("internal API")).toList();
    }

    @Test
    void routesAnswerJsonAndNameTheCallerByItsCertificate() throws IOException {
        try (InternalApiClient client = client(SECRET, Optional.empty())) {
            Echo answer = client.post(server.address(), "/v1/echo", Echo.class, new Echo("hello", 41), Echo.class);
            assertThat(answer).isEqualTo(new Echo("hello from caller", 42));
        }
    }

    @Test
    void unknownPathsWrongMethodsAndBadBodiesGetClearErrors() {
        try (InternalApiClient client = client(SECRET, Optional.empty())) {
            assertThatThrownBy(() -> client.get(server.address(), "/v1/nothing", Echo.class))
                    .isInstanceOfSatisfying(ApiCallException.class, e -> assertThat(e.status()).isEqualTo(404));
            assertThatThrownBy(() -> client.get(server.address(), "/v1/echo", Echo.class))
                    .isInstanceOfSatisfying(ApiCallException.class, e -> assertThat(e.status()).isEqualTo(405));
            assertThatThrownBy(() -> client.post(server.address(), "/v1/echo", String.class, "not an echo", Echo.class))
                    .isInstanceOfSatisfying(ApiCallException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.getMessage()).contains("not a Echo");
                    });
        }
    }

    @Test
    void streamsLargeBodies() throws Exception {
        long count = 48L << 20;
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        Random random = new Random(count);
        byte[] chunk = new byte[64 << 10];
        for (long left = count; left > 0; left -= chunk.length) {
            random.nextBytes(chunk);
            expected.update(chunk, 0, (int) Math.min(chunk.length, left));
        }
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        long total = 0;
        try (InternalApiClient client = client(SECRET, Optional.empty());
                InputStream in = client.stream(server.address(), "/v1/bytes?count=" + count)) {
            byte[] buffer = new byte[32 << 10];
            for (int n; (n = in.read(buffer)) > 0; ) {
                received.update(buffer, 0, n);
                total += n;
            }
        }
        assertThat(total).isEqualTo(count);
        assertThat(HexFormat.of().formatHex(received.digest())).isEqualTo(HexFormat.of().formatHex(expected.digest()));
    }

    /**
     * A peer that restarted (or closed an idle connection as the JDK's server does after 30 s) leaves a dead
     * connection in the caller's pool: a GET must not fail on it, since callers such as the leader's certificate
     * lookup then refuse a client's statement.
     */
    @Test
    void aGetAfterThePeerClosedThePooledConnectionIsSentAgain() throws IOException {
        try (InternalApiClient client = client(SECRET, Optional.empty())) {
            InetSocketAddress address = server.address();
            assertThat(client.whoAmI(address).address()).isEqualTo("127.0.0.1");
            server.close();
            server = startServer(address.getPort());
            for (int i = 0; i < 3; i++) {
                assertThat(client.whoAmI(address).address()).as("call %d after the restart", i).isEqualTo("127.0.0.1");
            }
        }
    }

    @Test
    void whoAmIAnswersTheCallersAddress() throws IOException {
        InetAddress local = InetAddress.getByName("127.0.0.5");
        try (InternalApiClient client = client(SECRET, Optional.of(local))) {
            WhoAmI answer = client.whoAmI(server.address());
            assertThat(answer.address()).isEqualTo("127.0.0.5");
            assertThat(answer.port()).isPositive();
        }
    }

    @Test
    void aCallerWithAnotherSecretIsRefusedAndLogged() {
        try (InternalApiClient client = client("another-secret-0123456789abcdef", Optional.empty())) {
            assertThatThrownBy(() -> client.post(server.address(), "/v1/echo", Echo.class, new Echo("x", 1), Echo.class))
                    .isInstanceOf(IOException.class);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(serverLines()).singleElement()
                .satisfies(line -> assertThat(line).contains("UNTRUSTED_CERTIFICATE", "another CLUSTER_SECRET")));
    }

    @Test
    void aCallerWithoutACertificateIsRefusedAndLogged() throws Exception {
        ClusterTls ours = ClusterTls.forNode(SECRET, "caller", List.of(), clientRefusals);
        SSLContext noCertificate = SSLContext.getInstance("TLSv1.3");
        noCertificate.init(null, new TrustManager[] {ours.trustManager()}, null);
        OkHttpClient http = new OkHttpClient.Builder()
                .sslSocketFactory(noCertificate.getSocketFactory(), ours.trustManager())
                .hostnameVerifier((host, session) -> true)
                .build();
        InetSocketAddress at = server.address();
        try (Response response = http.newCall(new Request.Builder()
                .url("https://127.0.0.1:" + at.getPort() + "/v1/whoami").build()).execute()) {
            assertThat(response.code()).isEqualTo(403);
            assertThat(response.body().string()).doesNotContain("address");
        } finally {
            http.dispatcher().executorService().shutdown();
        }
        assertThat(serverLines()).singleElement()
                .satisfies(line -> assertThat(line).contains("NO_MUTUAL_TLS", "without a client certificate"));
    }

    @Test
    void plainHttpIsRefusedAndLogged() throws IOException {
        InetSocketAddress at = server.address();
        try (Socket socket = new Socket(at.getAddress(), at.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /v1/whoami HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] answer = socket.getInputStream().readNBytes(4096);
            assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotContain("address");
        } catch (IOException e) {
            // a reset is a refusal too
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(serverLines()).singleElement()
                .satisfies(line -> assertThat(line).contains("NO_MUTUAL_TLS", "TLS handshake")));
    }
}

package io.fluxdb.api.internal;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.fluxdb.replication.security.ClusterTls;
import io.fluxdb.replication.security.RefusalLog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node-to-node API on {@code API_LISTEN_PORT} (docs/design/internal-api.md): HTTPS with mutual TLS, where the
 * only certificates accepted are those of the cluster CA derived from {@code CLUSTER_SECRET} ({@link ClusterTls}).
 * A caller without such a certificate, or with one from another secret, gets no answer but a refusal (403 or a
 * failed handshake), logged in one line at most every few seconds per kind ({@link RefusalLog}).
 *
 * <p>Routes are added before start with {@link Builder#route}; each request runs on its own virtual thread.
 * {@code GET /v1/whoami} is always there: it answers the caller's address as this node sees it.
 */
public final class InternalApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InternalApiServer.class);

    private final HttpsServer server;
    private final ExecutorService executor;
    private final Map<String, Map<String, ApiHandler>> routes;
    private final RefusalLog refusals;

    private InternalApiServer(HttpsServer server, ExecutorService executor, Map<String, Map<String, ApiHandler>> routes,
            RefusalLog refusals) {
        this.server = server;
        this.executor = executor;
        this.routes = routes;
        this.refusals = refusals;
    }

    /**
     * @param address where to listen (port 0: any free port)
     * @param tls this node's certificate and the cluster's trust
     * @param refusals where refused callers are logged (the one {@code tls} logs to)
     */
    public static Builder builder(InetSocketAddress address, ClusterTls tls, RefusalLog refusals) {
        return new Builder(address, tls, refusals);
    }

    /** Where it listens (the bound port when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String caller = caller(exchange);
            if (caller == null) {
                refusals.refused(RefusalLog.Kind.NO_MUTUAL_TLS, "a client at " + exchange.getRemoteAddress()
                        + " sent " + exchange.getRequestMethod() + " " + path + " without a client certificate");
                plain(exchange, 403, "Forbidden: a certificate of this cluster is required");
                return;
            }
            Map<String, ApiHandler> byMethod = routes.get(path);
            if (byMethod == null) {
                plain(exchange, 404, "Not Found: " + path);
                return;
            }
            ApiHandler handler = byMethod.get(exchange.getRequestMethod());
            if (handler == null) {
                exchange.getResponseHeaders().set("Allow", String.join(", ", byMethod.keySet()));
                plain(exchange, 405, "Method Not Allowed");
                return;
            }
            ApiExchange api = new ApiExchange(exchange, caller);
            try {
                handler.handle(api);
                if (!api.answered()) {
                    api.respondText(500, "the handler of " + path + " gave no answer");
                }
            } catch (ApiCallException e) {
                if (!api.answered()) {
                    api.respondText(e.status(), e.getMessage());
                }
            } catch (IOException | RuntimeException e) {
                log.warn("internal API - {} {} from {} ({}) failed: {}", exchange.getRequestMethod(), path, caller,
                        exchange.getRemoteAddress(), e.toString());
                if (!api.answered()) {
                    api.respondText(500, "Internal Server Error: " + e.getMessage());
                }
                // answered already (a stream): closing the exchange cuts the body short, which the caller notices
            }
        } catch (IOException | RuntimeException e) {
            log.debug("internal API - answering {} failed: {}", exchange.getRemoteAddress(), e.toString());
        }
    }

    /** The common name of the caller's certificate, or null when it showed none. */
    private static String caller(HttpExchange exchange) {
        if (!(exchange instanceof HttpsExchange https)) {
            return null;
        }
        try {
            Certificate[] chain = https.getSSLSession().getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate certificate)) {
                return null;
            }
            String name = certificate.getSubjectX500Principal().getName();
            for (String part : name.split(",")) {
                if (part.startsWith("CN=")) {
                    return part.substring(3);
                }
            }
            return name;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    private static void plain(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Collects the routes, then starts the server. */
    public static final class Builder {
        private final InetSocketAddress address;
        private final ClusterTls tls;
        private final RefusalLog refusals;
        private final Map<String, Map<String, ApiHandler>> routes = new LinkedHashMap<>();
        private final String instance = java.util.UUID.randomUUID().toString();

        private Builder(InetSocketAddress address, ClusterTls tls, RefusalLog refusals) {
            this.address = requireNonNull(address, "address is null");
            this.tls = requireNonNull(tls, "tls is null");
            this.refusals = requireNonNull(refusals, "refusals is null");
            route("GET", "/v1/whoami", exchange -> exchange.respondJson(200, WhoAmI.class,
                    new WhoAmI(exchange.remoteAddress().getAddress().getHostAddress(),
                            exchange.remoteAddress().getPort(), instance)));
        }

        /** This server's random id, as {@code /v1/whoami} answers it. */
        public String instance() {
            return instance;
        }

        /**
         * Serves {@code handler} for {@code method} (GET, POST, ...) on exactly {@code path} (no patterns; a query
         * string is the handler's to read).
         *
         * @throws IllegalArgumentException when the route exists already
         */
        public Builder route(String method, String path, ApiHandler handler) {
            requireNonNull(method, "method is null");
            requireNonNull(path, "path is null");
            requireNonNull(handler, "handler is null");
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("path: '" + path + "' (expected: starting with /)");
            }
            if (routes.computeIfAbsent(path, p -> new LinkedHashMap<>()).putIfAbsent(method, handler) != null) {
                throw new IllegalArgumentException("route " + method + " " + path + " exists already");
            }
            return this;
        }

        /**
         * @throws IOException when the address cannot be bound
         */
        public InternalApiServer start() throws IOException {
            HttpsServer server;
            try {
                server = HttpsServer.create(address, 0);
            } catch (IOException e) {
                throw new IOException("cannot listen for the internal API on " + address + " (API_LISTEN_PORT): "
                        + e.getMessage(), e);
            }
            SSLContext context = HandshakeWatch.wrap(tls.context(), refusals);
            server.setHttpsConfigurator(new HttpsConfigurator(context) {
                @Override
                public void configure(HttpsParameters parameters) {
                    SSLParameters ssl = context.getDefaultSSLParameters();
                    ssl.setProtocols(new String[] {"TLSv1.3"});
                    // wanted rather than needed: a caller without one is answered 403 and logged, not cut off
                    ssl.setWantClientAuth(true);
                    parameters.setSSLParameters(ssl);
                }
            });
            ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
            Map<String, Map<String, ApiHandler>> frozen = new LinkedHashMap<>();
            routes.forEach((path, byMethod) -> frozen.put(path, Map.copyOf(byMethod)));
            InternalApiServer api = new InternalApiServer(server, executor, Map.copyOf(frozen), refusals);
            server.setExecutor(executor);
            server.createContext("/", api::handle);
            server.start();
            log.info("internal API on https://{}:{}/ ({} routes)", server.getAddress().getHostString(),
                    server.getAddress().getPort(), frozen.values().stream().mapToInt(Map::size).sum());
            return api;
        }
    }
}

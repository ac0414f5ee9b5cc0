package io.fluxdb.api.internal;

import static java.util.Objects.requireNonNull;

import io.fluxdb.replication.security.ClusterTls;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import okhttp3.ConnectionPool;
import okhttp3.ConnectionSpec;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okhttp3.TlsVersion;

/**
 * Calls peers' internal API ({@link InternalApiServer}) with this node's cluster certificate, trusting only the
 * cluster CA (host names are not checked: the certificate proves the secret, wherever the peer runs). Thread-safe;
 * one per node.
 */
public final class InternalApiClient implements AutoCloseable {
    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

    /**
     * How long an idle connection is kept for reuse: well under the 30 s after which the JDK's HTTP server behind
     * {@link InternalApiServer} closes idle connections, so that a call rarely meets a connection the peer closed.
     */
    static final Duration KEEP_IDLE = Duration.ofSeconds(15);

    /** For calls that must not be sent twice (joining, leaving): a failure on a reused connection is the caller's. */
    private final OkHttpClient http;
    /**
     * For {@code GET}s, which are safe to send again: a connection the peer closed while it sat in the pool (the peer
     * restarted, or closed it at the very moment it was reused) is replaced and the request sent once more.
     */
    private final OkHttpClient gets;

    private InternalApiClient(OkHttpClient http) {
        this.http = http;
        this.gets = http.newBuilder().retryOnConnectionFailure(true).build();
    }

    /**
     * @param tls this node's certificate and the cluster's trust
     * @param localAddress the address outgoing connections come from (a peer's {@code /v1/whoami} answers it), or
     *     empty for the system's choice
     * @param timeout bounds connecting and each read or write (not a whole streamed body)
     */
    public static InternalApiClient create(ClusterTls tls, Optional<InetAddress> localAddress, Duration timeout) {
        requireNonNull(tls, "tls is null");
        requireNonNull(localAddress, "localAddress is null");
        requireNonNull(timeout, "timeout is null");
        OkHttpClient.Builder builder = new OkHttpClient.Builder()
                .sslSocketFactory(tls.context().getSocketFactory(), tls.trustManager())
                .hostnameVerifier((host, session) -> true)
                .connectionSpecs(List.of(new ConnectionSpec.Builder(ConnectionSpec.RESTRICTED_TLS)
                        .tlsVersions(TlsVersion.TLS_1_3).build()))
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .writeTimeout(timeout)
                .connectionPool(new ConnectionPool(5, KEEP_IDLE.toMillis(), TimeUnit.MILLISECONDS))
                .retryOnConnectionFailure(false);
        localAddress.filter(a -> !a.isAnyLocalAddress()).ifPresent(a -> builder.socketFactory(new BoundSockets(a)));
        return new InternalApiClient(builder.build());
    }

    /** {@code GET} of a JSON answer from the peer whose internal API is at {@code peer}. */
    public <T> T get(InetSocketAddress peer, String path, Class<T> type) throws IOException {
        return call(gets, new Request.Builder().url(url(peer, path)).get().build(), type);
    }

    /** {@code POST} of a JSON body, for a JSON answer. */
    public <B, T> T post(InetSocketAddress peer, String path, Class<B> bodyType, B body, Class<T> type)
            throws IOException {
        RequestBody content = RequestBody.create(ApiJson.write(bodyType, body), JSON);
        return call(http, new Request.Builder().url(url(peer, path)).post(content).build(), type);
    }

    /**
     * {@code GET} of a streamed body; the caller reads and closes it.
     *
     * @throws ApiCallException when the peer answers an HTTP error
     */
    public InputStream stream(InetSocketAddress peer, String path) throws IOException {
        Request request = new Request.Builder().url(url(peer, path)).get().build();
        Response response = gets.newCall(request).execute();
        if (!response.isSuccessful()) {
            try (response) {
                throw failure(request, response);
            }
        }
        return response.body().byteStream();
    }

    /** This node's address as {@code peer} sees it. */
    public WhoAmI whoAmI(InetSocketAddress peer) throws IOException {
        return get(peer, "/v1/whoami", WhoAmI.class);
    }

    private static <T> T call(OkHttpClient client, Request request, Class<T> type) throws IOException {
        try (Response response = client.newCall(request).execute()) {
            if (!response.isSuccessful()) {
                throw failure(request, response);
            }
            return ApiJson.read(type, response.body().string());
        } catch (ApiCallException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException(request.method() + " " + request.url() + ": " + e.getMessage(), e);
        }
    }

    private static ApiCallException failure(Request request, Response response) throws IOException {
        ResponseBody body = response.body();
        String text = body == null ? "" : ApiJson.abbreviate(body.string().strip());
        return new ApiCallException(response.code(), request.method() + " " + request.url() + ": HTTP "
                + response.code() + (text.isEmpty() ? "" : " " + text));
    }

    private static String url(InetSocketAddress peer, String path) {
        requireNonNull(peer, "peer is null");
        requireNonNull(path, "path is null");
        String host = peer.getHostString();
        return "https://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + peer.getPort() + path;
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    /** Sockets bound to one local address before they connect. */
    private static final class BoundSockets extends SocketFactory {
        private final InetAddress local;

        BoundSockets(InetAddress local) {
            this.local = local;
        }

        @Override
        public Socket createSocket() throws IOException {
            return open(new InetSocketAddress(local, 0), null);
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return open(new InetSocketAddress(local, 0), new InetSocketAddress(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return open(new InetSocketAddress(localHost, localPort), new InetSocketAddress(host, port));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return open(new InetSocketAddress(local, 0), new InetSocketAddress(host, port));
        }

        @Override
        public Socket createSocket(InetAddress host, int port, InetAddress localHost, int localPort) throws IOException {
            return open(new InetSocketAddress(localHost, localPort), new InetSocketAddress(host, port));
        }

        /** A socket bound to {@code from}, connected to {@code to} unless that is null. */
        private static Socket open(InetSocketAddress from, InetSocketAddress to) throws IOException {
            Socket socket = new Socket();
            try {
                socket.bind(from);
                if (to != null) {
                    socket.connect(to);
                }
                return socket;
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        }
    }
}

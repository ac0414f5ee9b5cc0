package io.fluxdb.api.internal;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One request to the internal API and its answer. A handler answers exactly once: {@link #respondJson},
 * {@link #respondText}, or {@link #respondStream}, which streams a body of any length (chunked; nothing is buffered
 * whole).
 */
public final class ApiExchange {
    /** The largest request body a handler reads with {@link #readJson}. */
    static final int MAX_JSON_BODY = 1 << 20;

    private final HttpExchange exchange;
    private final String peerName;
    private boolean answered;

    ApiExchange(HttpExchange exchange, String peerName) {
        this.exchange = exchange;
        this.peerName = peerName;
    }

    public String method() {
        return exchange.getRequestMethod();
    }

    public String path() {
        return exchange.getRequestURI().getPath();
    }

    /** The first value of query parameter {@code name}, decoded. */
    public Optional<String> query(String name) {
        requireNonNull(name, "name is null");
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null) {
            return Optional.empty();
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return Optional.of(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    /** Where the request came from, as this node sees it. */
    public InetSocketAddress remoteAddress() {
        return exchange.getRemoteAddress();
    }

    /** The caller's name in its certificate (a node's own name for itself). */
    public String peerName() {
        return peerName;
    }

    /** The request body, for handlers that stream it. */
    public InputStream body() {
        return exchange.getRequestBody();
    }

    /**
     * The request body as a {@code type}.
     *
     * @throws ApiCallException (400) when the body is too large or not a {@code type}; the server answers it
     */
    public <T> T readJson(Class<T> type) throws IOException {
        byte[] bytes = exchange.getRequestBody().readNBytes(MAX_JSON_BODY + 1);
        if (bytes.length > MAX_JSON_BODY) {
            throw new ApiCallException(413, "request body larger than " + MAX_JSON_BODY + " bytes");
        }
        try {
            return ApiJson.read(type, new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ApiCallException(400, e.getMessage());
        }
    }

    public <T> void respondJson(int status, Class<T> type, T value) throws IOException {
        respond(status, "application/json", ApiJson.write(type, value).getBytes(StandardCharsets.UTF_8));
    }

    public void respondText(int status, String text) throws IOException {
        respond(status, "text/plain", text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Starts an answer of unknown length (chunked); the handler writes the body and closes the stream. A handler that
     * fails midway throws; the JDK server may still end the chunked body properly, so a stream whose completeness
     * matters carries its own end marker, which the reader checks.
     */
    public OutputStream respondStream(int status, String contentType) throws IOException {
        start(status, contentType, 0);
        return exchange.getResponseBody();
    }

    boolean answered() {
        return answered;
    }

    private void respond(int status, String contentType, byte[] body) throws IOException {
        boolean head = method().equals("HEAD");
        start(status, contentType, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private void start(int status, String contentType, long length) throws IOException {
        if (answered) {
            throw new IllegalStateException("answered already");
        }
        answered = true;
        exchange.getResponseHeaders().set("Content-Type", contentType
                + (contentType.startsWith("text/") || contentType.endsWith("json") ? "; charset=utf-8" : ""));
        exchange.sendResponseHeaders(status, length);
    }
}

package io.fluxdb.api;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;

/** Reads a node's {@code GET /status}: for the status of peers and for {@code fluxdb status}. Thread-safe. */
public final class StatusClient {
    private final HttpClient http;
    private final Duration timeout;

    public StatusClient(Duration timeout) {
        this.timeout = requireNonNull(timeout, "timeout is null");
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    /**
     * @throws IOException when the node does not answer within the timeout, answers an HTTP error, or answers
     *     something that is not a status
     */
    public StatusReport fetch(URI statusUrl) throws IOException, InterruptedException {
        requireNonNull(statusUrl, "statusUrl is null");
        HttpRequest request = HttpRequest.newBuilder(statusUrl).timeout(timeout).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + statusUrl + ": HTTP " + response.statusCode());
        }
        return StatusJson.read(response.body());
    }
}

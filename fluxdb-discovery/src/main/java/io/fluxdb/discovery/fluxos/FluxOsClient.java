package io.fluxdb.discovery.fluxos;

import static java.util.Objects.requireNonNull;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import io.fluxdb.discovery.DiscoveryException;
import io.fluxdb.discovery.json.ApiEnvelope;
import io.fluxdb.discovery.json.AppLocation;
import io.fluxdb.discovery.json.AppSpecification;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two FluxOS API calls FluxDB makes: an app's running instances ({@code GET /apps/location/{app}}) and its
 * specification ({@code GET /apps/appspecifications/{app}}). Each request is bounded by the HTTP client's
 * timeouts and tried again after a growing pause ({@link RetryPolicy}) when it fails, answers an HTTP error, or
 * answers something that is not FluxOS's JSON. Thread-safe.
 */
public final class FluxOsClient {
    private static final Logger log = LoggerFactory.getLogger(FluxOsClient.class);
    /** The longest answer read: a location list of thousands of instances is far below it. */
    private static final long MAX_BODY_BYTES = 4L << 20;

    private final OkHttpClient http;
    private final HttpUrl api;
    private final RetryPolicy retry;
    private final JsonAdapter<ApiEnvelope> envelope;
    private final JsonAdapter<List<AppLocation>> locations;
    private final JsonAdapter<AppSpecification> specification;

    /**
     * @param http the shared HTTP client; its timeouts bound each try (see {@link #httpClient(Duration)})
     * @param moshi the shared JSON codec
     * @param api the FluxOS API base URL ({@code FLUXOS_API}), e.g. {@code https://api.runonflux.io}
     */
    public FluxOsClient(OkHttpClient http, Moshi moshi, HttpUrl api, RetryPolicy retry) {
        this.http = requireNonNull(http, "http is null");
        requireNonNull(moshi, "moshi is null");
        this.api = requireNonNull(api, "api is null");
        this.retry = requireNonNull(retry, "retry is null");
        this.envelope = moshi.adapter(ApiEnvelope.class);
        this.locations = moshi.adapter(Types.newParameterizedType(List.class, AppLocation.class));
        this.specification = moshi.adapter(AppSpecification.class);
    }

    /** A client with its own HTTP client and JSON codec, for a process that talks to FluxOS from one place. */
    public static FluxOsClient create(String apiBaseUrl, Duration timeout, RetryPolicy retry) {
        requireNonNull(apiBaseUrl, "apiBaseUrl is null");
        HttpUrl api = HttpUrl.parse(apiBaseUrl);
        if (api == null) throw new IllegalArgumentException("apiBaseUrl: '" + apiBaseUrl + "' (expected: an http(s) URL)");
        return new FluxOsClient(httpClient(timeout), new Moshi.Builder().build(), api, retry);
    }

    /**
     * An HTTP client for FluxOS: every try of a request ends within {@code timeout}, a hung API included (the
     * original used 13.5 s).
     */
    public static OkHttpClient httpClient(Duration timeout) {
        requireNonNull(timeout, "timeout is null");
        return new OkHttpClient.Builder()
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .callTimeout(timeout)
                .retryOnConnectionFailure(false)
                .build();
    }

    /** The app's running instances, as FluxOS lists them (possibly none). */
    public List<AppLocation> locations(String app) throws DiscoveryException {
        return call("apps/location", app, data -> {
            List<AppLocation> list = locations.fromJsonValue(data);
            for (AppLocation location : list) {
                if (location == null || location.host() == null || location.host().isBlank()) {
                    throw new JsonDataException("a location without ip: " + location);
                }
            }
            return list;
        });
    }

    /** The app's specification. */
    public AppSpecification specification(String app) throws DiscoveryException {
        return call("apps/appspecifications", app, data -> {
            AppSpecification spec = specification.fromJsonValue(data);
            if (spec == null || spec.instances() == null || spec.instances() < 1) {
                throw new JsonDataException("no instance count (instances >= 1) in " + data);
            }
            return spec;
        });
    }

    private interface DataReader<T> {
        T read(Object data);
    }

    private <T> T call(String path, String app, DataReader<T> reader) throws DiscoveryException {
        requireNonNull(app, "app is null");
        HttpUrl url = api.newBuilder().addPathSegments(path).addPathSegment(app).build();
        DiscoveryException last = null;
        for (int attempt = 1; attempt <= retry.attempts(); attempt++) {
            if (attempt > 1) {
                pause(retry.backoff(attempt - 1), last);
            }
            try {
                return once(url, reader);
            } catch (DiscoveryException e) {
                last = e;
                log.debug("fluxos {} - try {}/{} failed: {}", url, attempt, retry.attempts(), e.getMessage());
            }
        }
        throw new DiscoveryException(last.getMessage() + " (" + retry.attempts() + " tries)", last.getCause());
    }

    private <T> T once(HttpUrl url, DataReader<T> reader) throws DiscoveryException {
        Request request = new Request.Builder().url(url).header("Accept", "application/json").get().build();
        try (Response response = http.newCall(request).execute()) {
            if (!response.isSuccessful()) {
                throw new DiscoveryException("GET " + url + ": HTTP " + response.code());
            }
            ResponseBody body = response.body();
            String text = body.source().request(MAX_BODY_BYTES + 1) ? null : body.string();
            if (text == null) {
                throw new DiscoveryException("GET " + url + ": answer longer than " + MAX_BODY_BYTES + " bytes");
            }
            ApiEnvelope answer = envelope.fromJson(text);
            if (answer == null) {
                throw new DiscoveryException("GET " + url + ": empty answer");
            }
            if (!"success".equals(answer.status())) {
                throw new DiscoveryException("GET " + url + ": FluxOS answered status '" + answer.status() + "'"
                        + errorMessage(answer.data()));
            }
            return reader.read(answer.data());
        } catch (InterruptedIOException e) {
            throw new DiscoveryException("GET " + url + ": no answer in time (" + e.getMessage() + ")", e);
        } catch (IOException | JsonDataException e) {
            // Moshi reports malformed JSON as an IOException (JsonEncodingException) and a wrong shape as
            // JsonDataException: both mean the answer is not one FluxOS gives
            throw new DiscoveryException("GET " + url + ": " + e.getMessage(), e);
        }
    }

    private static String errorMessage(Object data) {
        return data instanceof Map<?, ?> map && map.get("message") != null ? ": " + map.get("message") : "";
    }

    private static void pause(Duration wait, DiscoveryException last) throws DiscoveryException {
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DiscoveryException("interrupted while retrying: " + last.getMessage(), e);
        }
    }
}

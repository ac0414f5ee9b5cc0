package io.fluxdb.testkit;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A FluxOS API on loopback for tests: answers {@code GET /apps/location/{app}} and
 * {@code GET /apps/appspecifications/{app}} with the JSON the public FluxOS API sends, from state the test changes
 * while it runs. It can also misbehave the ways a real API does: answer HTTP errors, answer garbage, or hang.
 *
 * <p>Unknown apps get FluxOS's own error envelope ({@code {"status":"error","data":{...}}}) with HTTP 200, as the
 * real API answers them.
 */
public final class FluxOsEmulator implements AutoCloseable {

    /** How the emulator answers every request until told otherwise. */
    public enum Mode {
        /** The real JSON shapes. */
        NORMAL,
        /** HTTP 503 with an HTML body, as a proxy in front of an overloaded API answers. */
        FAIL,
        /** HTTP 200 with a body that is not JSON. */
        GARBAGE,
        /** HTTP 200 with JSON of the wrong shape (a success envelope whose data is a string). */
        WRONG_SHAPE,
        /** Accepts the request and never answers, until the mode changes or the emulator closes. */
        HANG
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, List<Location>> locations = new ConcurrentHashMap<>();
    private final Map<String, Integer> instances = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private volatile Mode mode = Mode.NORMAL;
    private volatile CountDownLatch release = new CountDownLatch(1);

    /**
     * One running instance of an app as FluxOS lists it.
     *
     * @param ip the instance's address as FluxOS writes it: {@code 1.2.3.4} or, behind UPnP, {@code 1.2.3.4:16187}
     *     (the port of that node's FluxOS, not of the app)
     * @param staticIp whether the Flux node has a static IP
     * @param osUptime the Flux node's OS uptime in seconds
     */
    public record Location(String ip, boolean staticIp, long osUptime) {
        public Location {
            requireNonNull(ip, "ip is null");
        }

        public static Location of(String ip) {
            return new Location(ip, true, 86_400);
        }
    }

    private FluxOsEmulator(HttpServer server) {
        this.server = server;
    }

    /** Starts an emulator on a free loopback port. */
    public static FluxOsEmulator start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        FluxOsEmulator emulator = new FluxOsEmulator(server);
        server.setExecutor(emulator.executor);
        server.createContext("/", emulator::handle);
        server.start();
        return emulator;
    }

    /** The base URL to give the client under test, as {@code FLUXOS_API}. */
    public URI baseUrl() {
        InetSocketAddress address = server.getAddress();
        return URI.create("http://" + address.getHostString() + ":" + address.getPort());
    }

    /** Sets the app's location list; the app then exists. */
    public void setLocations(String app, List<Location> list) {
        locations.put(requireNonNull(app, "app is null"), List.copyOf(list));
    }

    /** Sets the app's location list from bare {@code ip} values. */
    public void setLocations(String app, String... ips) {
        List<Location> list = new ArrayList<>();
        for (String ip : ips) {
            list.add(Location.of(ip));
        }
        setLocations(app, list);
    }

    /** Sets the app specification's {@code instances}. */
    public void setInstances(String app, int count) {
        instances.put(requireNonNull(app, "app is null"), count);
    }

    /** Changes how every following request is answered; leaving {@link Mode#HANG} releases the hung requests. */
    public void setMode(Mode mode) {
        this.mode = requireNonNull(mode, "mode is null");
        if (mode != Mode.HANG) {
            release.countDown();
            release = new CountDownLatch(1);
        }
    }

    /** How many requests reached this path (e.g. {@code /apps/location/myapp}), whatever they were answered. */
    public int requestCount(String path) {
        AtomicInteger count = requests.get(path);
        return count == null ? 0 : count.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            switch (mode) {
                case FAIL -> respond(exchange, 503, "text/html", "<html><body>503 Service Unavailable</body></html>");
                case GARBAGE -> respond(exchange, 200, "application/json", "<<not json>> {\"status\":");
                case WRONG_SHAPE -> respond(exchange, 200, "application/json", "{\"status\":\"success\",\"data\":\"x\"}");
                case HANG -> {
                    try {
                        release.await(5, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                case NORMAL -> answer(exchange, path);
            }
        }
    }

    private void answer(HttpExchange exchange, String path) throws IOException {
        if (!exchange.getRequestMethod().equals("GET")) {
            respond(exchange, 405, "text/plain", "Method Not Allowed");
        } else if (path.startsWith("/apps/location/")) {
            String app = path.substring("/apps/location/".length());
            List<Location> list = locations.get(app);
            respond(exchange, 200, "application/json", list == null ? notFound() : locationJson(app, list));
        } else if (path.startsWith("/apps/appspecifications/")) {
            String app = path.substring("/apps/appspecifications/".length());
            Integer count = instances.get(app);
            respond(exchange, 200, "application/json", count == null ? notFound() : specificationJson(app, count));
        } else {
            respond(exchange, 404, "text/plain", "Not Found");
        }
    }

    /** The shape of {@code /apps/location/{app}} as FluxOS sends it, every field included. */
    private static String locationJson(String app, List<Location> list) {
        StringBuilder json = new StringBuilder("{\"status\":\"success\",\"data\":[");
        for (int i = 0; i < list.size(); i++) {
            Location l = list.get(i);
            if (i > 0) json.append(',');
            json.append("{\"ip\":\"").append(l.ip()).append("\",\"name\":\"").append(app)
                    .append("\",\"hash\":\"4bd4a2f5e1d0c4b7a3f2d0e9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9\"")
                    .append(",\"broadcastedAt\":\"2025-06-01T10:00:00.000Z\",\"expireAt\":\"2025-06-01T12:05:00.000Z\"")
                    .append(",\"runningSince\":\"2025-05-30T08:00:00.000Z\",\"osUptime\":").append(l.osUptime())
                    .append(",\"staticIp\":").append(l.staticIp()).append('}');
        }
        return json.append("]}").toString();
    }

    /** The shape of {@code /apps/appspecifications/{app}}: a shared-db app with its operator and engine. */
    private static String specificationJson(String app, int count) {
        return "{\"status\":\"success\",\"data\":{\"version\":7,\"name\":\"" + app + "\",\"description\":\"shared db\","
                + "\"owner\":\"1CbErtneaX2QVyUfwU7JGB7VzvPgrgc3uC\",\"instances\":" + count + ","
                + "\"compose\":[{\"name\":\"operator\",\"description\":\"operator\","
                + "\"repotag\":\"runonflux/shared-db:latest\",\"ports\":[33950,3307,8008],"
                + "\"containerPorts\":[7071,3307,8008],\"containerData\":\"/app/dumps\","
                + "\"environmentParameters\":[\"DB_COMPONENT_NAME=fluxmysql_" + app + "\"]},"
                + "{\"name\":\"mysql\",\"repotag\":\"mysql:8.0\",\"ports\":[],\"containerData\":\"/var/lib/mysql\"}],"
                + "\"height\":1800000,\"expire\":22000,\"hash\":\"0f1e2d3c\"}}";
    }

    private static String notFound() {
        return "{\"status\":\"error\",\"data\":{\"code\":null,\"name\":\"Error\",\"message\":\"Application not found\"}}";
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}

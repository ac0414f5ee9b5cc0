package io.fluxdb.server.config;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Where this node listens. A listen port of 0 binds any free port (tests use that).
 *
 * @param bindAddress the address every listener binds ({@code BIND_ADDRESS})
 * @param clientPort MySQL protocol for applications ({@code EXT_DB_PORT})
 * @param apiListenPort the internal node-to-node API ({@code API_LISTEN_PORT})
 * @param apiAdvertisedPort the internal API port as peers reach it, which differs from
 *     {@code apiListenPort} behind a port mapping such as Flux's ({@code API_PORT}); 0 means
 *     the port the API listener actually bound
 * @param raftPort the Raft transport ({@code RAFT_PORT})
 * @param uiPort the web UI and management API ({@code UI_PORT})
 */
public record ListenConfig(
        InetAddress bindAddress, int clientPort, int apiListenPort, int apiAdvertisedPort, int raftPort, int uiPort) {
    public static final int DEFAULT_CLIENT_PORT = 3307;
    public static final int DEFAULT_API_PORT = 7071;
    public static final int DEFAULT_RAFT_PORT = 7072;
    public static final int DEFAULT_UI_PORT = 8008;

    public ListenConfig {
        requireNonNull(bindAddress, "bindAddress is null");
        checkPort("clientPort", clientPort);
        checkPort("apiListenPort", apiListenPort);
        checkPort("apiAdvertisedPort", apiAdvertisedPort);
        checkPort("raftPort", raftPort);
        checkPort("uiPort", uiPort);
        String clash = clash(clientPort, apiListenPort, raftPort, uiPort);
        if (clash != null) throw new IllegalArgumentException("port " + clash + " is used by two listeners");
    }

    /** The first non-zero port that appears twice, or null. */
    static String clash(int... ports) {
        Map<Integer, Boolean> seen = new HashMap<>();
        for (int port : ports) {
            if (port != 0 && seen.put(port, Boolean.TRUE) != null) return Integer.toString(port);
        }
        return null;
    }

    private static void checkPort(String name, int port) {
        if (port < 0 || port > 65535) throw new IllegalArgumentException(name + ": " + port + " (expected: 0-65535)");
    }
}

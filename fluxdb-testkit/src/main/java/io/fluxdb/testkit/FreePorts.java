package io.fluxdb.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Ports for tests, each handed out once per JVM. Asking the kernel for port 0 and closing the socket gives a
 * port that is free now, but the kernel may give the same port to the next caller: a test that asks for four ports
 * (client, API, Raft, web) sometimes got two equal ones, which configuration validation rightly refuses. Remembering
 * what was handed out removes that collision; another process taking the port before the test binds it stays possible.
 */
public final class FreePorts {
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {
    }

    /** A port nothing listens on right now, on any local address, and never returned before in this JVM. */
    public static synchronized int next() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = probe();
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no unused loopback port after 100 attempts; " + HANDED_OUT.size()
                + " ports handed out already");
    }

    private static int probe() {
        // The wildcard address: a port free there is free on loopback too, and the operator binds the wildcard.
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
    }
}

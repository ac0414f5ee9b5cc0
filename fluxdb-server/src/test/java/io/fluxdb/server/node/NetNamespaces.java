package io.fluxdb.server.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace per node of a test cluster, so that a node can be cut off from its peers in both directions,
 * as a partition does: on loopback every connection comes from 127.0.0.1, so a proxy cannot tell who connects, and a
 * node's own outgoing connections cannot be cut without also cutting everybody else's.
 *
 * <p>Node {@code i}'s namespace has two links, each a veth pair whose other end is on a bridge of this (the test's)
 * namespace: the peer link ({@code 10.213.S.(i+1)}) carries Raft and internal API traffic, the client link
 * ({@code 10.214.S.(i+1)}) the test's client connections. Neither namespace has a default route, so traffic between
 * nodes can only take the peer links, and {@link #cut} (the peer link down) isolates a node from every peer while the
 * test still reaches it as a client. Needs root (CAP_NET_ADMIN) and iproute2; {@link #unavailable()} says why not.
 */
final class NetNamespaces implements AutoCloseable {
    private final String tag;
    private final int subnet;
    private final int size;
    private final List<String> created = new ArrayList<>();
    private Thread cleanup;

    private NetNamespaces(String tag, int subnet, int size) {
        this.tag = tag;
        this.subnet = subnet;
        this.size = size;
    }

    /** Why namespaces cannot be made here (not root, no {@code ip}, no veth or bridge support), or empty. */
    static Optional<String> unavailable() {
        String probe = "fxprobe" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        try {
            run("ip", "netns", "add", probe);
            try {
                run("ip", "netns", "exec", probe, "true"); // fails where /sys cannot be mounted for it
                run("ip", "link", "add", probe.substring(0, 11) + "a", "type", "veth", "peer", "name",
                        probe.substring(0, 11) + "b");
                run("ip", "link", "del", probe.substring(0, 11) + "a");
            } finally {
                run("ip", "netns", "del", probe);
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("network namespaces are not available here: " + e.getMessage());
        }
    }

    /** Creates the namespaces and links of {@code size} nodes, all links up. */
    static NetNamespaces create(int size) throws IOException {
        String tag = "fx" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        NetNamespaces net = new NetNamespaces(tag, freeSubnet(), size);
        // a test JVM that is stopped (Ctrl-C, a fork timeout) still removes what it made
        Thread cleanup = new Thread(net::close, tag + "-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        net.cleanup = cleanup;
        try {
            net.bridge(net.peerBridge(), "10.213." + net.subnet + ".254/24");
            net.bridge(net.clientBridge(), "10.214." + net.subnet + ".254/24");
            for (int i = 0; i < size; i++) {
                String ns = net.namespace(i);
                run("ip", "netns", "add", ns);
                net.created.add("netns:" + ns);
                net.link(i, net.peerBridge(), tag + "p" + i, "10.213." + net.subnet + "." + (i + 1) + "/24");
                net.link(i, net.clientBridge(), tag + "c" + i, "10.214." + net.subnet + "." + (i + 1) + "/24");
                run("ip", "-n", ns, "link", "set", "lo", "up");
            }
            return net;
        } catch (IOException | RuntimeException e) {
            net.close();
            throw e;
        }
    }

    /** A third octet S for which neither 10.213.S.0/24 nor 10.214.S.0/24 is in use here (another run, the host). */
    private static int freeSubnet() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int subnet = ThreadLocalRandom.current().nextInt(1, 250);
            if (output("ip", "-o", "addr", "show", "to", "10.213." + subnet + ".0/24").isEmpty()
                    && output("ip", "-o", "addr", "show", "to", "10.214." + subnet + ".0/24").isEmpty()) {
                return subnet;
            }
        }
        throw new IOException("no free 10.213.S.0/24 and 10.214.S.0/24 found");
    }

    private void bridge(String name, String address) throws IOException {
        run("ip", "link", "add", name, "type", "bridge");
        created.add("link:" + name);
        run("ip", "addr", "add", address, "dev", name);
        run("ip", "link", "set", name, "up");
    }

    /** A veth pair: {@code name} on {@code bridge} here, its peer {@code name + "n"} in node i's namespace. */
    private void link(int i, String bridge, String name, String address) throws IOException {
        String inside = name + "n";
        run("ip", "link", "add", name, "type", "veth", "peer", "name", inside);
        created.add("link:" + name);
        run("ip", "link", "set", inside, "netns", namespace(i));
        run("ip", "link", "set", name, "master", bridge);
        run("ip", "link", "set", name, "up");
        run("ip", "-n", namespace(i), "addr", "add", address, "dev", inside);
        run("ip", "-n", namespace(i), "link", "set", inside, "up");
    }

    int size() {
        return size;
    }

    String namespace(int i) {
        return tag + "n" + i;
    }

    /** The command prefix that runs a program in node i's namespace. */
    List<String> exec(int i) {
        return List.of("ip", "netns", "exec", namespace(i));
    }

    /** Where peers reach node i. */
    String peerAddress(int i) {
        return "10.213." + subnet + "." + (i + 1);
    }

    /** Where the test reaches node i as a client. */
    String clientAddress(int i) {
        return "10.214." + subnet + "." + (i + 1);
    }

    /** The address the test's connections come from, as the nodes see it. */
    String testAddress() {
        return "10.214." + subnet + ".254";
    }

    /** The peer network, as a CIDR range. */
    String peerRange() {
        return "10.213." + subnet + ".0/24";
    }

    /** Takes node i's peer link down: no packet between it and any peer, either way, until {@link #heal}. */
    void cut(int i) throws IOException {
        run("ip", "link", "set", tag + "p" + i, "down");
    }

    void heal(int i) throws IOException {
        run("ip", "link", "set", tag + "p" + i, "up");
    }

    private String peerBridge() {
        return tag + "bp";
    }

    private String clientBridge() {
        return tag + "bc";
    }

    /** Deletes the namespaces (which ends their veth ends) and the links and bridges; processes in them must be gone. */
    @Override
    public synchronized void close() {
        if (cleanup != null && Thread.currentThread() != cleanup) {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs this too
            }
        }
        for (int k = created.size() - 1; k >= 0; k--) {
            String item = created.get(k);
            try {
                if (item.startsWith("netns:")) {
                    run("ip", "netns", "del", item.substring(6));
                } else {
                    run("ip", "link", "del", item.substring(5));
                }
            } catch (IOException e) {
                if (item.startsWith("netns:")) {
                    System.err.println("NetNamespaces: could not remove " + item + ": " + e.getMessage());
                } // a link whose other end was in a namespace already went with it
            }
        }
        created.clear();
    }

    private static void run(String... command) throws IOException {
        output(command);
    }

    /** Runs {@code command}; its output (stdout and stderr), or an exception that says why it failed. */
    private static String output(String... command) throws IOException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException(String.join(" ", command) + ": " + e.getMessage(), e);
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": no answer within 30 s");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " exited with " + process.exitValue() + ": "
                        + output);
            }
            return output;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", command) + ": interrupted", e);
        }
    }
}

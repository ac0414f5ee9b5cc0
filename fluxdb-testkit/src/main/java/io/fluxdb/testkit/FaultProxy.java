package io.fluxdb.testkit;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy that tests put between nodes, where the kernel offers no fault injection (no netem here): it forwards
 * every connection to one target, and on command delays every byte in both directions, or cuts the link (open
 * connections are reset, new ones closed at once) until it is healed. One virtual thread per direction and connection.
 */
public final class FaultProxy implements AutoCloseable {
    private static final byte[] END = new byte[0];

    private final ServerSocket server;
    private volatile InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile long delayNanos;
    private volatile boolean cut;
    private volatile boolean closed;

    private FaultProxy(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
    }

    /** Listens on {@code listen} (port 0: any free port) and forwards to {@code target}. */
    public static FaultProxy start(InetSocketAddress listen, InetSocketAddress target) throws IOException {
        requireNonNull(listen, "listen is null");
        requireNonNull(target, "target is null");
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(listen);
        FaultProxy proxy = new FaultProxy(server, target);
        Thread.ofVirtual().name("fault-proxy-" + server.getLocalPort()).start(proxy::acceptLoop);
        return proxy;
    }

    public int port() {
        return server.getLocalPort();
    }

    public InetAddress address() {
        return server.getInetAddress();
    }

    /** Every byte is held this long in each direction from now on (zero: none). */
    public void delay(Duration oneWay) {
        delayNanos = oneWay.toNanos();
    }

    /** Resets every open connection and closes new ones at once, until {@link #heal()}. */
    public void cut() {
        cut = true;
        for (Socket socket : open) {
            reset(socket);
        }
    }

    /** New connections go to {@code newTarget} from now on; open ones keep theirs. */
    public void retarget(InetSocketAddress newTarget) {
        target = requireNonNull(newTarget, "newTarget is null");
    }

    /** New connections are forwarded again. */
    public void heal() {
        cut = false;
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        open.forEach(FaultProxy::reset);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (cut) {
                reset(client);
                continue;
            }
            Thread.ofVirtual().start(() -> connect(client));
        }
    }

    private void connect(Socket client) {
        Socket upstream = new Socket();
        try {
            upstream.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
            upstream.connect(target, 5_000);
        } catch (IOException e) {
            reset(client);
            reset(upstream);
            return;
        }
        open.add(client);
        open.add(upstream);
        Thread up = Thread.ofVirtual().start(() -> pump(client, upstream));
        Thread down = Thread.ofVirtual().start(() -> pump(upstream, client));
        try {
            up.join();
            down.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(client);
            open.remove(upstream);
            close(client);
            close(upstream);
        }
    }

    /** Copies {@code from} to {@code to}, each chunk held for the delay in force when it arrived. */
    private void pump(Socket from, Socket to) {
        LinkedBlockingQueue<Object[]> queue = new LinkedBlockingQueue<>();
        Thread writer = Thread.ofVirtual().start(() -> deliver(queue, from, to));
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                queue.add(new Object[] {System.nanoTime() + delayNanos, Arrays.copyOf(buffer, n)});
            }
        } catch (IOException e) {
            // reset or closed: the other side learns it below
        }
        queue.add(new Object[] {System.nanoTime() + delayNanos, END});
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deliver(LinkedBlockingQueue<Object[]> queue, Socket from, Socket to) {
        try {
            OutputStream out = to.getOutputStream();
            while (true) {
                Object[] chunk = queue.take();
                long wait = (long) chunk[0] - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                byte[] bytes = (byte[]) chunk[1];
                if (bytes == END) {
                    to.shutdownOutput();
                    return;
                }
                out.write(bytes);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            reset(from);
            reset(to);
        }
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** Closes with a reset (SO_LINGER 0), as a link that fails does, not with an orderly FIN. */
    private static void reset(Socket socket) {
        try {
            if (!socket.isClosed()) {
                socket.setSoLinger(true, 0);
            }
        } catch (SocketException ignored) {
            // closing anyway
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}

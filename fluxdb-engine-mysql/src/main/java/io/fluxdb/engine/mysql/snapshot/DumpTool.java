package io.fluxdb.engine.mysql.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The dump format outside a cluster, for people and benchmarks:
 *
 * <pre>
 * java -cp fluxdb.jar io.fluxdb.engine.mysql.snapshot.DumpTool [--connections N] load FILE HOST:PORT USER PASSWORD
 *     loads a dump file (a foreign-data backup) into an engine: REPLACES every user schema there
 * java -cp fluxdb.jar io.fluxdb.engine.mysql.snapshot.DumpTool [--connections N] copy HOST:PORT USER PASSWORD
 *         HOST:PORT USER PASSWORD
 *     streams a dump of the first engine's user data into the second (as a snapshot does, without the network)
 * java -cp fluxdb.jar io.fluxdb.engine.mysql.snapshot.DumpTool dump HOST:PORT USER PASSWORD FILE
 *     writes a dump of an engine's user data to a new file (to time loading alone, with load)
 * </pre>
 *
 * Neither carries the operator's bookkeeping; both skip the account they log in with. {@code --connections} sets how
 * many connections insert rows at once (default: {@link DumpLoader#ENGINE_CONNECTIONS}).
 */
public final class DumpTool {
    private DumpTool() {
    }

    public static void main(String[] args) throws Exception {
        int connections = DumpLoader.ENGINE_CONNECTIONS;
        if (args.length > 1 && args[0].equals("--connections")) {
            connections = connections(args[1]);
            args = java.util.Arrays.copyOfRange(args, 2, args.length);
        }
        if (args.length == 5 && args[0].equals("load")) {
            String[] a = args;
            try (InputStream in = Files.newInputStream(Path.of(args[1]))) {
                load(() -> connect(a[2], a[3], a[4]), in, connections);
            }
        } else if (args.length == 7 && args[0].equals("copy")) {
            long start = System.nanoTime();
            copy(args[1], args[2], args[3], args[4], args[5], args[6], connections);
            System.out.printf("copied in %.1f s%n", (System.nanoTime() - start) / 1e9);
        } else if (args.length == 5 && args[0].equals("dump")) {
            long start = System.nanoTime();
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(Path.of(args[4]),
                    java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE), 1 << 16);
                    MySqlDump dump = MySqlDump.begin(connect(args[1], args[2], args[3]), Set.of(args[2]), List.of(),
                            0)) {
                dump.writeTo(out);
            }
            System.out.printf("dumped in %.1f s%n", (System.nanoTime() - start) / 1e9);
        } else {
            usage();
        }
    }

    private static int connections(String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // usage below
        }
        System.err.println("--connections: '" + value + "' (expected: a whole number, at least 1)");
        usage();
        return 0;
    }

    private static void usage() {
        System.err.println("usage: DumpTool [--connections N] load FILE HOST:PORT USER PASSWORD"
                + " | DumpTool [--connections N] copy HOST:PORT USER PASSWORD HOST:PORT USER PASSWORD"
                + " | DumpTool dump HOST:PORT USER PASSWORD FILE");
        System.exit(2);
    }

    private static void copy(String from, String fromUser, String fromPassword, String to, String toUser,
            String toPassword, int connections) throws Exception {
        PipedInputStream in = new PipedInputStream(1 << 20);
        PipedOutputStream out = new PipedOutputStream(in);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = Thread.ofPlatform().name("dump").start(() -> {
            try (OutputStream o = out; MySqlDump dump = MySqlDump.begin(connect(from, fromUser, fromPassword),
                    Set.of(fromUser), List.of(), 0)) {
                dump.writeTo(o);
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        try {
            load(() -> connect(to, toUser, toPassword), in, connections);
        } finally {
            in.close(); // a failed load would otherwise leave the dump blocked on a full pipe
            writer.join();
        }
        if (failure.get() != null) {
            throw new IOException("dump failed: " + failure.get(), failure.get());
        }
    }

    /** Loads a dump without bookkeeping: its header's version is taken as it is. */
    private static void load(AdminConnector target, InputStream in, int connections) throws IOException {
        InputStream buffered = new java.io.BufferedInputStream(in, 1 << 17);
        buffered.mark(1 << 17); // more than DumpInput reads ahead
        int version = new DumpInput(buffered).header();
        buffered.reset();
        new DumpLoader(target, version, connections).load(buffered);
    }

    private static Connection connect(String hostPort, String user, String password) throws SQLException {
        int colon = hostPort.lastIndexOf(':');
        return DriverManager.getConnection("jdbc:mariadb://" + hostPort.substring(0, colon) + ":"
                + hostPort.substring(colon + 1) + "/?sslMode=disable", user, password);
    }
}

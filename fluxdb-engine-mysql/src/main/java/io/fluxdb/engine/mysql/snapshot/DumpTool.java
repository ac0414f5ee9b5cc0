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
 * java -cp fluxdb.jar io.fluxdb.engine.mysql.snapshot.DumpTool load FILE HOST:PORT USER PASSWORD
 *     loads a dump file (a foreign-data backup) into an engine: REPLACES every user schema there
 * java -cp fluxdb.jar io.fluxdb.engine.mysql.snapshot.DumpTool copy HOST:PORT USER PASSWORD HOST:PORT USER PASSWORD
 *     streams a dump of the first engine's user data into the second (as a snapshot does, without the network)
 * </pre>
 *
 * Neither carries the operator's bookkeeping; both skip the account they log in with.
 */
public final class DumpTool {
    private DumpTool() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 5 && args[0].equals("load")) {
            try (InputStream in = Files.newInputStream(Path.of(args[1])); Connection c = connect(args[2], args[3],
                    args[4])) {
                load(c, in);
            }
        } else if (args.length == 7 && args[0].equals("copy")) {
            long start = System.nanoTime();
            copy(args[1], args[2], args[3], args[4], args[5], args[6]);
            System.out.printf("copied in %.1f s%n", (System.nanoTime() - start) / 1e9);
        } else {
            System.err.println("usage: DumpTool load FILE HOST:PORT USER PASSWORD"
                    + " | DumpTool copy HOST:PORT USER PASSWORD HOST:PORT USER PASSWORD");
            System.exit(2);
        }
    }

    private static void copy(String from, String fromUser, String fromPassword, String to, String toUser,
            String toPassword) throws Exception {
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
        try (Connection c = connect(to, toUser, toPassword)) {
            load(c, in);
        } finally {
            writer.join();
        }
        if (failure.get() != null) {
            throw new IOException("dump failed: " + failure.get(), failure.get());
        }
    }

    /** Loads a dump without bookkeeping: its header's version is taken as it is. */
    private static void load(Connection c, InputStream in) throws IOException {
        InputStream buffered = new java.io.BufferedInputStream(in, 1 << 17);
        buffered.mark(1 << 17); // more than DumpInput reads ahead
        int version = new DumpInput(buffered).header();
        buffered.reset();
        new DumpLoader(c, version).load(buffered);
    }

    private static Connection connect(String hostPort, String user, String password) throws SQLException {
        int colon = hostPort.lastIndexOf(':');
        return DriverManager.getConnection("jdbc:mariadb://" + hostPort.substring(0, colon) + ":"
                + hostPort.substring(colon + 1) + "/?sslMode=disable", user, password);
    }
}

package io.fluxdb.server.cli;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fluxdb checksum}: compares the data of every node at one log index. The leader appends a CHECKSUM entry
 * ({@code CALL fluxdb.checksum()}); each node records checksums of all its tables when it applies that entry, so the
 * figures describe the same point of the log on every node whatever load runs meanwhile. Exit code 0 when every node
 * agrees, 1 when one differs, 2 when the check could not be completed.
 */
@Command(name = "checksum", description = "Compare table checksums of every node at the same log index.")
final class ChecksumCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--nodes", required = true, split = ",", paramLabel = "HOST:PORT",
            description = "The client address (MySQL port) of every node to compare, comma-separated.")
    List<String> nodes;

    @Option(names = "--user", defaultValue = "root", description = "A MySQL account that may read the fluxdb schema"
            + " (default: ${DEFAULT-VALUE}).")
    String user;

    @Option(names = "--password", defaultValue = "", description = "Its password (default: empty).")
    String password;

    @Option(names = "--timeout", defaultValue = "PT60S", description = "How long to wait for each node to apply the"
            + " checksum entry (ISO-8601 duration, default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<Long> index = askLeader(err);
        if (index.isEmpty()) {
            return 2;
        }
        out.println("checksums at log index " + index.get() + " (each node took them when it applied that entry)");
        List<SortedMap<String, String>> found = new ArrayList<>();
        for (String node : nodes) {
            try {
                found.add(awaitChecksums(node, index.get()));
            } catch (SQLException | IllegalStateException e) {
                err.println("fluxdb checksum: " + node + ": " + e.getMessage());
                found.add(null);
            }
        }
        return compare(out, found);
    }

    /** Asks each node in turn until the leader accepts: followers refuse writes with 1290. */
    private Optional<Long> askLeader(PrintWriter err) {
        for (String node : nodes) {
            try (Connection c = connect(node); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("CALL fluxdb.checksum()")) {
                if (rs.next()) {
                    return Optional.of(rs.getLong(1));
                }
                // A cluster without user tables: the entry was applied, with no rows.
                err.println("fluxdb checksum: " + node + " recorded no tables");
                return Optional.empty();
            } catch (SQLException e) {
                if (e.getErrorCode() != 1290) {
                    err.println("fluxdb checksum: " + node + ": " + e.getMessage());
                    return Optional.empty();
                }
            }
        }
        err.println("fluxdb checksum: no node accepted the checksum entry; is one of them the leader?");
        return Optional.empty();
    }

    private SortedMap<String, String> awaitChecksums(String node, long index) throws SQLException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection c = connect(node);
                PreparedStatement applied = c.prepareStatement("SELECT (SELECT idx FROM fluxdb.applied_floor"
                        + " WHERE id = 1) >= ? OR EXISTS (SELECT 1 FROM fluxdb.applied_log WHERE idx = ?)");
                PreparedStatement rows = c.prepareStatement("SELECT table_name, checksum FROM fluxdb.checksums"
                        + " WHERE idx = ?")) {
            applied.setLong(1, index);
            applied.setLong(2, index);
            while (!isTrue(applied)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("it did not apply index " + index + " within " + timeout);
                }
                sleep();
            }
            rows.setLong(1, index);
            SortedMap<String, String> tables = new TreeMap<>();
            try (ResultSet rs = rows.executeQuery()) {
                while (rs.next()) {
                    tables.put(rs.getString(1), rs.getString(2));
                }
            }
            return tables;
        }
    }

    private int compare(PrintWriter out, List<SortedMap<String, String>> found) {
        SortedMap<String, String> reference = found.stream().filter(t -> t != null).findFirst().orElse(null);
        boolean incomplete = found.contains(null);
        boolean differs = false;
        for (int i = 0; i < nodes.size(); i++) {
            SortedMap<String, String> tables = found.get(i);
            if (tables == null) {
                out.printf("%-24s unknown (see above)%n", nodes.get(i));
                continue;
            }
            TreeSet<String> different = new TreeSet<>();
            TreeSet<String> names = new TreeSet<>(tables.keySet());
            names.addAll(reference.keySet());
            for (String name : names) {
                if (!java.util.Objects.equals(tables.get(name), reference.get(name))) {
                    different.add(name);
                }
            }
            differs |= !different.isEmpty();
            out.printf("%-24s %d tables, %s%n", nodes.get(i), tables.size(),
                    different.isEmpty() ? "same as " + nodes.get(found.indexOf(reference))
                            : "DIFFERENT: " + String.join(", ", different));
        }
        out.println(differs ? "result: the nodes differ" : incomplete ? "result: incomplete" : "result: all nodes agree");
        return differs ? 1 : incomplete ? 2 : 0;
    }

    private Connection connect(String node) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://" + node + "/?sslMode=disable&connectTimeout=5000",
                user, password);
    }

    private static boolean isTrue(PreparedStatement query) throws SQLException {
        try (ResultSet rs = query.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}

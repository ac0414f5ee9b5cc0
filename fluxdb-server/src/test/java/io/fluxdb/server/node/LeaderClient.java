package io.fluxdb.server.node;

import io.fluxdb.server.node.WriteLedger.Outcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client thread of a {@link ProcessCluster} that keeps writing, as an application would: half of its connections go
 * to the node it last knew to lead, half to any node (whose writes a follower runs on the leader); it follows the
 * leader an ERROR 1290 names, moves on when a node does not answer, and records in a {@link WriteLedger} what it was
 * told about each write.
 */
abstract class LeaderClient implements Runnable {
    /** Longer than a pause of a node (the client waits for it) but bounded, so a hung node cannot hang the test. */
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(20);
    private static final Pattern LEADER = Pattern.compile("leader at 127\\.0\\.0\\.1:(\\d+)");

    protected final ProcessCluster cluster;
    protected final WriteLedger ledger;
    protected final Random random;
    private final AtomicInteger leaderHint;
    private final String name;
    private Connection connection;
    private int writes;
    private volatile boolean stopped;

    /** {@code name} starts every token this client writes, so it must differ between clients and runs. */
    LeaderClient(String name, ProcessCluster cluster, WriteLedger ledger, long seed, AtomicInteger leaderHint) {
        this.name = name;
        this.cluster = cluster;
        this.ledger = ledger;
        this.random = new Random(seed);
        this.leaderHint = leaderHint;
    }

    /** Whether this client keeps to the node it knows to lead (else half of its connections go to any node). */
    protected boolean leaderOnly() {
        return false;
    }

    /** Runs one write on the leader's connection and records its outcome in the ledger. */
    protected abstract void write(Statement s, String token) throws InterruptedException;

    @Override
    public final void run() {
        try {
            while (!stopped) {
                Statement s = statement();
                if (s == null) {
                    Thread.sleep(100);
                    continue;
                }
                write(s, name + "-" + writes++);
                // A steady load, not a flood: the nodes restarted meanwhile need some of the two cores.
                Thread.sleep(random.nextInt(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeConnection();
        }
    }

    void stop() {
        stopped = true;
    }

    /** Runs one autocommit statement: OK, REFUSED or UNKNOWN. */
    protected final Outcome autocommit(Statement s, String sql) throws InterruptedException {
        try {
            s.execute(sql);
            return Outcome.OK;
        } catch (SQLException e) {
            return failed(e);
        }
    }

    /**
     * Runs {@code statements} in an explicit transaction. A failure before COMMIT means it was never committed
     * (REFUSED) whatever the error; only COMMIT itself can end without an answer that says which.
     */
    protected final Outcome transaction(Statement s, String... statements) throws InterruptedException {
        try {
            s.execute("BEGIN");
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            if (failed(e) != Outcome.UNKNOWN) {
                try {
                    s.execute("ROLLBACK");
                } catch (SQLException ignored) {
                    closeConnection(); // the engine rolls back what the session held
                }
            }
            return Outcome.REFUSED;
        }
        return autocommit(s, "COMMIT");
    }

    /**
     * What an error says about a write. A lost connection (SQLSTATE class 08, or the driver's connection errors) says
     * nothing: UNKNOWN, and the connection is dropped. Any other error is an answer that the write did not happen;
     * one that names the leader sends the next write there.
     */
    private Outcome failed(SQLException e) throws InterruptedException {
        if (lostConnection(e) || isClosed()) {
            closeConnection();
            leaderHint.set(-1);
            return Outcome.UNKNOWN;
        }
        if (e.getErrorCode() == 1290) {
            Matcher m = LEADER.matcher(String.valueOf(e.getMessage()));
            int leader = m.find() ? cluster.nodeOfClientPort(Integer.parseInt(m.group(1))) : -1;
            leaderHint.set(leader);
            closeConnection();
            Thread.sleep(leader < 0 ? 200 : 20);
        }
        return Outcome.REFUSED;
    }

    /** Whether {@code e} is a lost connection (SQLSTATE class 08, or the driver's connection errors), not an answer. */
    static boolean lostConnection(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLNonTransientConnectionException || e instanceof SQLTransientConnectionException
                || e instanceof SQLRecoverableException || state == null || state.startsWith("08");
    }

    private boolean isClosed() {
        try {
            return connection == null || connection.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    /** The connection to the node that leads as far as this client knows, or null when none answers now. */
    private Statement statement() {
        try {
            if (connection != null && !connection.isClosed()) {
                return connection.createStatement();
            }
        } catch (SQLException e) {
            closeConnection();
        }
        int hint = leaderHint.get();
        int node = hint >= 0 && (leaderOnly() || random.nextBoolean()) ? hint : random.nextInt(cluster.size());
        try {
            connection = cluster.connectWriter(node, SOCKET_TIMEOUT);
            return connection.createStatement();
        } catch (SQLException e) {
            closeConnection();
            leaderHint.compareAndSet(hint, (node + 1) % cluster.size());
            return null;
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
            connection = null;
        }
    }
}

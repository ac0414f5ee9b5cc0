package io.fluxdb.server.node;

import io.fluxdb.server.node.WriteLedger.Outcome;
import java.sql.Statement;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs DDL through the leader while the row writers write: each side table {@code side_<n>} is created, gets a row,
 * gets a column, and every second one is dropped. A step runs only when the one before it got an OK; otherwise the
 * writer moves on to a new table, so each table's expected state follows from its steps' outcomes alone.
 */
final class SideTableWriter extends LeaderClient {
    private static final String[] STEPS = {"create", "insert", "alter", "drop"};

    private final String run;
    private final Semaphore turn = new Semaphore(1);
    private int table;
    private int step;

    private final boolean leaderOnly;

    SideTableWriter(String run, ProcessCluster cluster, WriteLedger ledger, long seed, AtomicInteger leaderHint,
            boolean leaderOnly) {
        super(run + "ddl", cluster, ledger, seed, leaderHint);
        this.run = run;
        this.leaderOnly = leaderOnly;
    }

    /**
     * Whether the DDL keeps to the leader: DDL forwarded by a follower while leaders are killed was once seen
     * acknowledged and then missing on one node (not yet diagnosed); see the disabled test in ClusterCrashIT.
     */
    @Override
    protected boolean leaderOnly() {
        return leaderOnly;
    }

    /** Waits for the step in flight to end and runs no other until {@link #release()}. */
    void hold() throws InterruptedException {
        turn.acquire();
    }

    void release() {
        turn.release();
    }

    @Override
    protected void write(Statement s, String token) throws InterruptedException {
        turn.acquire();
        try {
            step(s, token);
        } finally {
            turn.release();
        }
        // DDL waits for every write in flight and holds new ones back: a few a second keep the row writers going.
        Thread.sleep(100 + random.nextInt(300));
    }

    private void step(Statement s, String token) throws InterruptedException {
        String name = "side_" + run + "_" + table;
        String sql = switch (STEPS[step]) {
            case "create" -> "CREATE TABLE " + name + " (id INT AUTO_INCREMENT PRIMARY KEY, token VARCHAR(40))";
            case "insert" -> "INSERT INTO " + name + " (token) VALUES ('" + token + "')";
            case "alter" -> "ALTER TABLE " + name + " ADD COLUMN extra INT NOT NULL DEFAULT 7";
            default -> "DROP TABLE " + name;
        };
        Outcome outcome = autocommit(s, sql);
        ledger.side(name, STEPS[step], outcome);
        boolean last = step == STEPS.length - 1 || (step == 2 && table % 2 == 0);
        if (outcome != Outcome.OK || last) {
            table++;
            step = 0;
        } else {
            step++;
        }
    }
}

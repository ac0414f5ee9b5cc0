package io.fluxdb.server.node;

import io.fluxdb.server.node.WriteLedger.Outcome;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes rows of {@code items} and its own row of {@code counters}: autocommit inserts, explicit transactions that
 * insert two rows and count them, and autocommit updates of a row it inserted before. Every write carries a unique
 * token, so a write applied twice shows as a duplicate (token, kind) or as {@code v = 2}.
 */
final class RowWriter extends LeaderClient {
    static final String SCHEMA = """
            CREATE TABLE items (id BIGINT AUTO_INCREMENT PRIMARY KEY, token VARCHAR(40) NOT NULL,
              writer INT NOT NULL, kind CHAR(1) NOT NULL, v INT NOT NULL DEFAULT 0, updated_by VARCHAR(40),
              at DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6), KEY (token), KEY (updated_by))""";
    static final String COUNTERS = "CREATE TABLE counters (writer INT PRIMARY KEY, n INT NOT NULL,"
            + " last_token VARCHAR(40))";

    private final int writer;
    /** Tokens of this writer's acknowledged autocommit inserts that no update has targeted yet. */
    private final List<String> updatable = new ArrayList<>();

    RowWriter(String run, int writer, ProcessCluster cluster, WriteLedger ledger, long seed,
            AtomicInteger leaderHint) {
        super(run + "w" + writer, cluster, ledger, seed, leaderHint);
        this.writer = writer;
    }

    @Override
    protected void write(Statement s, String token) throws InterruptedException {
        int kind = random.nextInt(10);
        if (kind >= 8 && !updatable.isEmpty()) {
            String target = updatable.remove(random.nextInt(updatable.size()));
            ledger.update(token, autocommit(s, "UPDATE items SET v = v + 1, updated_by = '" + token
                    + "' WHERE token = '" + target + "' AND kind = 'a'"));
        } else if (kind >= 4 && kind < 8) {
            ledger.row(token, transaction(s,
                    "INSERT INTO items (token, writer, kind) VALUES ('" + token + "', " + writer + ", 't'), ('"
                            + token + "', " + writer + ", 's')",
                    "UPDATE counters SET n = n + 1, last_token = '" + token + "' WHERE writer = " + writer));
        } else {
            Outcome outcome = autocommit(s, "INSERT INTO items (token, writer, kind) VALUES ('" + token + "', "
                    + writer + ", 'a')");
            ledger.row(token, outcome);
            if (outcome == Outcome.OK) {
                updatable.add(token);
            }
        }
    }
}

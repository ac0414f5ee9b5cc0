package io.fluxdb.server.node;

import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Moves money between the accounts of {@code bank} in explicit transactions, through whichever node it is connected
 * to (a follower runs them on the leader): two updates that keep the total, and a row in {@code transfers} with the
 * transfer's token, so a transfer applied twice or in part shows.
 */
final class TransferWriter extends LeaderClient {
    static final int ACCOUNTS = 10;
    static final long OPENING_BALANCE = 1_000;
    static final String BANK = "CREATE TABLE bank (id INT PRIMARY KEY, balance BIGINT NOT NULL)";
    static final String TRANSFERS = "CREATE TABLE transfers (token VARCHAR(40) PRIMARY KEY, amount INT NOT NULL)";

    TransferWriter(String run, int writer, ProcessCluster cluster, WriteLedger ledger, long seed,
            AtomicInteger leaderHint) {
        super(run + "t" + writer, cluster, ledger, seed, leaderHint);
    }

    @Override
    protected void write(Statement s, String token) throws InterruptedException {
        int from = random.nextInt(ACCOUNTS);
        int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
        int amount = 1 + random.nextInt(50);
        ledger.row(token, transaction(s,
                "UPDATE bank SET balance = balance - " + amount + " WHERE id = " + from,
                "UPDATE bank SET balance = balance + " + amount + " WHERE id = " + to,
                "INSERT INTO transfers (token, amount) VALUES ('" + token + "', " + amount + ")"));
    }
}

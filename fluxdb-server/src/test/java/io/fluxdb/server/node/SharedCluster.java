package io.fluxdb.server.node;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One 3-node {@link TestCluster} for a whole test class: started before its first test, set up with statements run as
 * root through the leader (every node has them before the first test), and closed after its last. Register it on a
 * static field with {@code @RegisterExtension}; {@link #leader()}, {@link #follower()} and {@link #third()} are the
 * roles found at start.
 */
final class SharedCluster implements BeforeAllCallback, AfterAllCallback {
    /** The account most cluster tests connect as: all privileges on the {@code app} schema. */
    static final String APP_USER = "app";
    static final String APP_PASSWORD = "app-password";

    private final List<String> setUp;
    private TestCluster cluster;
    private int leader;

    private SharedCluster(List<String> setUp) {
        this.setUp = List.copyOf(setUp);
    }

    /** A cluster set up with {@code statements}. */
    static SharedCluster with(String... statements) {
        return new SharedCluster(List.of(statements));
    }

    /** A cluster with the {@link #APP_USER} account, then {@code statements}. */
    static SharedCluster withAppAccount(String... statements) {
        List<String> all = new ArrayList<>();
        all.add("CREATE USER '" + APP_USER + "'@'%' IDENTIFIED BY '" + APP_PASSWORD + "'");
        all.add("GRANT ALL ON app.* TO '" + APP_USER + "'@'%'");
        all.addAll(List.of(statements));
        return new SharedCluster(all);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        cluster = TestCluster.start(3);
        leader = cluster.awaitLeader();
        try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
            for (String statement : setUp) {
                s.execute(statement);
            }
        }
        // clients log in on followers too: the accounts must have reached their engines first
        cluster.awaitConverged();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (cluster != null) {
            cluster.close();
        }
    }

    TestCluster cluster() {
        return cluster;
    }

    /** The leader when the cluster started. */
    int leader() {
        return leader;
    }

    /** The node after the leader (a follower when the cluster started). */
    int follower() {
        return (leader + 1) % cluster.size();
    }

    /** The other follower when the cluster started. */
    int third() {
        return (leader + 2) % cluster.size();
    }
}

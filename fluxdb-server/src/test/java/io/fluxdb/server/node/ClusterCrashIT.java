package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.server.node.WriteLedger.Outcome;
import io.fluxdb.server.node.WriteLedger.SideStep;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Three operators as separate processes, each in front of its own MariaDB, under a steady load of concurrent writers
 * through whichever node leads, while nodes are killed (SIGKILL, sometimes with their engine), paused (SIGSTOP for
 * longer than the election timeout) and halted inside the DDL crash window, then started again on their data. In the
 * end every node must hold the same data: every acknowledged write, no refused write, each write whose outcome the
 * client never learned either everywhere or nowhere, and nothing applied twice. Then a node with another cluster
 * secret must fail to take a member's place.
 *
 * <p>The faults and the writers' choices come from one seed, printed at the start; {@code -Dfluxdb.crash.seed=N}
 * runs the same schedule again (timing still varies: the assertions hold for every interleaving).
 * {@code -Dfluxdb.test.keepLogs=true} keeps every node's log in the printed directory.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterCrashIT {
    private static final int WRITERS = 4;
    private static final String FINAL = "final-";

    private static ProcessCluster cluster;
    private static long seed;

    /** What happens to a node in one round. A killed or halted node is started again on its data right after. */
    enum Fault {
        KILL_LEADER, KILL_LEADER_AND_ENGINE, PAUSE_LEADER, PAUSE_FOLLOWER,
        /** A follower is started with the apply hook that halts it after a DDL statement ran, before it is recorded. */
        HALT_AFTER_DDL,
        /** The same before the statement ran, and its engine is killed too. */
        HALT_BEFORE_DDL_AND_KILL_ENGINE;

        boolean hitsLeader() {
            return name().contains("LEADER");
        }
    }

    @BeforeAll
    @Timeout(180)
    static void start() throws Exception {
        seed = Long.getLong("fluxdb.crash.seed", System.nanoTime());
        System.out.println("ClusterCrashIT seed " + seed + " (-Dfluxdb.crash.seed=" + seed + " repeats it)");
        cluster = ProcessCluster.start(3);
        System.out.println("ClusterCrashIT nodes log to " + cluster.directory());
        int leader = cluster.awaitLeader(Duration.ofSeconds(60));
        try (Connection c = cluster.connect(leader, Duration.ofSeconds(30)); Statement s = c.createStatement()) {
            s.execute("CREATE USER '" + ProcessCluster.WRITER + "'@'%' IDENTIFIED BY '" + ProcessCluster.WRITER_PASSWORD
                    + "'");
            s.execute("GRANT ALL ON *.* TO '" + ProcessCluster.WRITER + "'@'%'");
            s.execute(TransferWriter.BANK);
            s.execute(TransferWriter.TRANSFERS);
            for (int a = 0; a < TransferWriter.ACCOUNTS; a++) {
                s.execute("INSERT INTO bank VALUES (" + a + ", " + TransferWriter.OPENING_BALANCE + ")");
            }
            s.execute(RowWriter.SCHEMA);
            s.execute(RowWriter.COUNTERS);
            for (int w = 0; w < WRITERS; w++) {
                s.execute("INSERT INTO counters (writer, n) VALUES (" + w + ", 0)");
            }
        }
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    @Timeout(240)
    void crashesAndPausesUnderLoadLoseNoAcknowledgedWriteAndApplyNothingTwice() throws Exception {
        List<Fault> faults = new ArrayList<>(List.of(Fault.values()));
        Collections.shuffle(faults, new Random(seed));
        runUnderFaults("a", faults, true);
    }

    /**
     * A bank: transfers in transactions through every node while the leader is killed and a follower paused. The total
     * of the accounts never changes on any node's engine at any moment (each replicated transaction applies whole),
     * every acknowledged transfer is on every node, no refused one is on any, none is applied twice, and the nodes end
     * identical.
     */
    @Test
    @Order(2)
    @Timeout(240)
    void bankTransfersThroughEveryNodeKeepTheTotalOnEveryNodeThroughFaults() throws Exception {
        long total = TransferWriter.ACCOUNTS * TransferWriter.OPENING_BALANCE;
        WriteLedger ledger = new WriteLedger();
        AtomicInteger leaderHint = new AtomicInteger(cluster.awaitLeader(Duration.ofSeconds(30)));
        List<LeaderClient> clients = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            clients.add(new TransferWriter("bank", w, cluster, ledger, seed + 100 + w, leaderHint));
        }
        List<Thread> threads = startAll(clients);
        java.util.concurrent.atomic.AtomicBoolean watching = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<String> badTotals = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicLong checks = new java.util.concurrent.atomic.AtomicLong();
        Thread watcher = Thread.ofPlatform().name("bank-watcher").start(() -> {
            while (watching.get()) {
                for (int i = 0; i < cluster.size(); i++) {
                    try (Connection c = cluster.engineConnection(i); Statement s = c.createStatement();
                            ResultSet rs = s.executeQuery("SELECT SUM(balance) FROM app.bank")) {
                        rs.next();
                        checks.incrementAndGet();
                        if (rs.getLong(1) != total) {
                            badTotals.add("node " + i + ": " + rs.getLong(1));
                        }
                    } catch (SQLException e) {
                        // an engine that is down right now
                    }
                }
            }
        });
        Random random = new Random(seed + 7);
        List<String> done = new ArrayList<>();
        try {
            for (Fault fault : List.of(Fault.KILL_LEADER, Fault.PAUSE_FOLLOWER, Fault.KILL_LEADER)) {
                Thread.sleep(1500 + random.nextInt(1500));
                done.add(inject(fault, random, null));
                System.out.println("ClusterCrashIT bank " + done.getLast() + "; " + ledger.summary());
            }
            Thread.sleep(1500);
        } finally {
            stopAll(clients, threads);
        }
        List<NodeData> nodes = awaitConverged(finalWrite(ledger), Duration.ofSeconds(90));
        watching.set(false);
        watcher.join(Duration.ofSeconds(30));
        System.out.printf("ClusterCrashIT bank faults %s; %s; %d total checks%n", done, ledger.summary(), checks.get());

        assertThat(badTotals).as("moments when a node's total was not " + total).isEmpty();
        assertThat(checks.get()).as("total checks").isGreaterThan(30);
        assertThat(ledger.rows(Outcome.OK)).as("acknowledged transfers").hasSizeGreaterThan(20);
        List<Map<String, Long>> transfers = new ArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
            Map<String, Long> rows = new java.util.TreeMap<>();
            long sum;
            try (Connection c = cluster.engineConnection(i); Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT token, amount FROM app.transfers")) {
                    while (rs.next()) {
                        rows.put(rs.getString(1), rs.getLong(2));
                    }
                }
                try (ResultSet rs = s.executeQuery("SELECT SUM(balance) FROM app.bank")) {
                    rs.next();
                    sum = rs.getLong(1);
                }
            }
            String name = "node " + i;
            assertThat(sum).as(name + ": total").isEqualTo(total);
            assertThat(rows.keySet()).as(name + ": acknowledged transfers").containsAll(ledger.rows(Outcome.OK)
                    .stream().filter(t -> !t.startsWith(FINAL)).toList());
            assertThat(ledger.rows(Outcome.REFUSED)).as(name + ": refused transfers")
                    .noneMatch(rows.keySet()::contains);
            transfers.add(rows);
        }
        for (int i = 1; i < transfers.size(); i++) {
            assertThat(transfers.get(i)).as("node " + i + " against node 0: transfers").isEqualTo(transfers.getFirst());
            assertThat(nodes.get(i).checksums()).as("node " + i + " against node 0: CHECKSUM TABLE")
                    .isEqualTo(nodes.getFirst().checksums());
        }
    }

    /**
     * DDL through followers under the same faults. A forwarded DDL statement can meet a leader that loses its
     * leadership while the statement runs (on two busy cores a restart can cost the leader its leadership), which is
     * the leader's own DDL window of the test below: the deposed leader keeps a change the log never got, reports it
     * and re-syncs from a peer.
     */
    @Test
    @Order(4)
    @Timeout(240)
    void ddlThroughFollowersUnderFaultsIsNeverLost() throws Exception {
        runUnderFaults("c", List.of(Fault.KILL_LEADER, Fault.PAUSE_FOLLOWER, Fault.KILL_LEADER_AND_ENGINE,
                Fault.PAUSE_LEADER), true, false);
    }

    /**
     * The leader's own DDL crash window: the leader runs a DDL statement on its engine before the statement's entry
     * is appended (so that the engine checks the client's privileges), and a leader killed or paused between the two
     * keeps a schema change that no other node gets. The node reports it (DIVERGED, from resolveOrphans, or at once
     * when the append fails), steps back from leadership and re-syncs from a peer; every acknowledged write must be on
     * every node afterwards, and the nodes identical.
     */
    @Test
    @Order(3)
    @Timeout(240)
    void theLeaderKilledOrPausedWhileItsDdlRunsDoesNotDiverge() throws Exception {
        runUnderFaults("b", List.of(Fault.KILL_LEADER, Fault.PAUSE_LEADER, Fault.KILL_LEADER, Fault.PAUSE_LEADER,
                Fault.KILL_LEADER_AND_ENGINE, Fault.PAUSE_LEADER), false);
    }

    /**
     * Runs the writers of {@code run} while {@code faults} happen in turn, then checks every node against what the
     * writers were told. With {@code holdDdl}, no DDL statement is in flight while a node is hit and restarted (a
     * restart can cost the leader its leadership on two busy cores), except while a node armed to halt in the DDL
     * window applies; without it, the leader's own DDL window is open to the faults (the test above).
     */
    private static void runUnderFaults(String run, List<Fault> faults, boolean holdDdl) throws Exception {
        runUnderFaults(run, faults, holdDdl, true);
    }

    /** With {@code ddlOnLeader} false, the DDL writer connects to any node too. */
    private static void runUnderFaults(String run, List<Fault> faults, boolean holdDdl, boolean ddlOnLeader)
            throws Exception {
        long started = System.nanoTime();
        Random random = new Random(seed + run.hashCode());
        WriteLedger ledger = new WriteLedger();
        AtomicInteger leaderHint = new AtomicInteger(cluster.awaitLeader(Duration.ofSeconds(30)));
        List<LeaderClient> clients = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            clients.add(new RowWriter(run, w, cluster, ledger, seed + w, leaderHint));
        }
        SideTableWriter ddl = new SideTableWriter(run, cluster, ledger, seed + WRITERS, leaderHint, ddlOnLeader);
        clients.add(ddl);
        List<Thread> threads = startAll(clients);
        List<String> done = new ArrayList<>();
        try {
            for (Fault fault : faults) {
                Thread.sleep(1000 + random.nextInt(2000));
                SideTableWriter held = holdDdl ? ddl : null;
                if (held != null) {
                    held.hold();
                }
                try {
                    done.add(inject(fault, random, held));
                } finally {
                    if (held != null) {
                        held.release();
                    }
                }
                System.out.println("ClusterCrashIT " + done.getLast() + "; " + ledger.summary());
            }
            Thread.sleep(1000);
        } finally {
            stopAll(clients, threads);
        }
        List<NodeData> nodes = awaitConverged(finalWrite(ledger), Duration.ofSeconds(90));
        System.out.printf("ClusterCrashIT faults %s; %s; converged at index %d; %.1f s%n", done, ledger.summary(),
                nodes.getFirst().lastApplied(), (System.nanoTime() - started) / 1e9);

        assertNoNodeReportedAProblem();
        assertThat(ledger.rows(Outcome.OK)).as("acknowledged inserts").hasSizeGreaterThan(100);
        for (int i = 0; i < nodes.size(); i++) {
            NodeData node = nodes.get(i);
            String name = "node " + i;
            assertThat(node.tokens()).as(name + ": acknowledged inserts").containsAll(ledger.rows(Outcome.OK));
            assertThat(node.updatedBy()).as(name + ": acknowledged updates").containsAll(ledger.updates(Outcome.OK));
            assertThat(ledger.rows(Outcome.REFUSED)).as(name + ": refused inserts")
                    .noneMatch(node.tokens()::contains);
            assertThat(ledger.updates(Outcome.REFUSED)).as(name + ": refused updates")
                    .noneMatch(node.updatedBy()::contains);
            assertThat(node.duplicates()).as(name + ": writes applied twice").isEmpty();
            assertThat(node.badCounts()).as(name + ": updates or transactions applied twice or in part").isEmpty();
            assertThat(node.applied().values()).as(name + ": entries that failed here (all succeeded on the leader)")
                    .allMatch(code -> code == 0);
            assertThat(node.leftovers()).as(name + ": bookkeeping left after applying everything").isEmpty();
            assertSideTables(name, node, ledger.side());
        }
        NodeData first = nodes.getFirst();
        long floor = nodes.stream().mapToLong(NodeData::floor).max().orElseThrow();
        for (int i = 1; i < nodes.size(); i++) {
            NodeData node = nodes.get(i);
            String name = "node " + i + " against node 0";
            // Unknown outcomes: on every node or on none, as is everything else.
            assertThat(node.tokens()).as(name + ": inserts").isEqualTo(first.tokens());
            assertThat(node.updatedBy()).as(name + ": updates").isEqualTo(first.updatedBy());
            assertThat(node.columns()).as(name + ": tables and columns").isEqualTo(first.columns());
            assertThat(node.sideRows()).as(name + ": side tables' rows").isEqualTo(first.sideRows());
            assertThat(node.checksums()).as(name + ": CHECKSUM TABLE").isEqualTo(first.checksums());
            assertThat(node.applied().tailMap(floor + 1)).as(name + ": applied log indexes")
                    .isEqualTo(first.applied().tailMap(floor + 1));
        }
    }

    @Test
    @Order(2)
    @Timeout(180)
    void aNodeWithAnotherSecretCannotTakeAMembersPlace() throws Exception {
        int leader = cluster.awaitLeader(Duration.ofSeconds(60));
        int slot = (leader + 1) % cluster.size();
        cluster.node(slot).kill();
        Map<Integer, Long> offsets = new LinkedHashMap<>();
        for (int i = 0; i < cluster.size(); i++) {
            offsets.put(i, cluster.node(i).logSize());
        }
        ProcessCluster.Stranger impostor = cluster.stranger("impostor", slot, "another-secret-0123456789abcdef");
        impostor.operator().start();
        impostor.operator().awaitReady(ProcessCluster.START_TIMEOUT);

        // The two members left are a majority: they keep accepting writes while the impostor sits at the address.
        try (Connection c = cluster.connect(cluster.awaitLeader(Duration.ofSeconds(30)), Duration.ofSeconds(30));
                Statement s = c.createStatement()) {
            for (int i = 0; i < 20; i++) {
                s.execute("INSERT INTO items (token, writer, kind) VALUES ('impostor-time-" + i + "', -1, 'i')");
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!refusalLogged(offsets, leader) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(refusalLogged(offsets, leader)).as("the members log that they refused the impostor:\n"
                + cluster.logTails(20)).isTrue();
        assertThat(impostor.operator().log()).as("the impostor logs that its peers refused it")
                .contains("raft port - refused a connection");
        try (Connection c = DriverManager.getConnection(impostor.engine().jdbcUrl(""), "root",
                impostor.engine().rootPassword());
                Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'app'")) {
            rs.next();
            assertThat(rs.getLong(1)).as("tables the impostor's engine received").isZero();
        }
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:"
                + cluster.clientPort(slot) + "/app?sslMode=disable&socketTimeout=30000", "root",
                impostor.engine().rootPassword()); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("CREATE TABLE items (id INT)"))
                    .as("the impostor never leads").isInstanceOfSatisfying(SQLException.class,
                            e -> assertThat(e.getErrorCode()).isEqualTo(1290));
        }
        impostor.operator().kill();

        cluster.node(slot).start();
        cluster.node(slot).awaitReady(ProcessCluster.START_TIMEOUT);
        List<NodeData> nodes = awaitConverged(finalWrite(new WriteLedger()), Duration.ofSeconds(60));
        for (NodeData node : nodes) {
            assertThat(node.checksums()).isEqualTo(nodes.getFirst().checksums());
            assertThat(node.tokens()).contains("impostor-time-19");
        }
        assertNoNodeReportedAProblem();
    }

    private static boolean refusalLogged(Map<Integer, Long> offsets, int leader) {
        return cluster.node(leader).logSince(offsets.get(leader)).contains("raft port - refused a connection");
    }

    private static List<Thread> startAll(List<LeaderClient> clients) {
        List<Thread> threads = new ArrayList<>();
        for (LeaderClient client : clients) {
            threads.add(Thread.ofPlatform().name("writer-" + threads.size()).start(client));
        }
        return threads;
    }

    private static void stopAll(List<LeaderClient> clients, List<Thread> threads) throws InterruptedException {
        clients.forEach(LeaderClient::stop);
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(40));
            assertThat(thread.isAlive()).as(thread.getName() + " still running").isFalse();
        }
    }

    /** What {@link #awaitHaltUnlessLeading} returns when the node leads (and so applies no DDL entry). */
    private static final int LEADS = -2;

    /**
     * The exit status of {@code node}, started with a halt point in a follower's DDL apply; -1 if it is still running
     * after {@code timeout}; {@link #LEADS} as soon as it is the cluster's leader, since then it never gets there.
     */
    private static int awaitHaltUnlessLeading(OperatorProcess node, int index, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            int status = node.awaitExit(Duration.ofSeconds(2));
            if (status != -1) {
                return status;
            }
            if (cluster.leader().orElse(-1) == index) {
                return LEADS;
            }
        }
        return -1;
    }

    /** Runs one fault on a node and brings the node back; says what it did. */
    private static String inject(Fault fault, Random random, SideTableWriter heldDdl) throws Exception {
        int leader = cluster.awaitLeader(Duration.ofSeconds(60));
        int follower = (leader + 1 + random.nextInt(cluster.size() - 1)) % cluster.size();
        int victim = fault.hitsLeader() ? leader : follower;
        OperatorProcess node = cluster.node(victim);
        Duration down = Duration.ofMillis(500 + random.nextInt(2000));
        String role = victim == leader ? "leader" : "follower";
        switch (fault) {
            case KILL_LEADER -> {
                node.kill();
                Thread.sleep(down);
                node.start();
            }
            case KILL_LEADER_AND_ENGINE -> {
                node.kill();
                cluster.engine(victim).kill();
                Thread.sleep(down);
                cluster.engine(victim).start();
                node.start();
            }
            case PAUSE_LEADER, PAUSE_FOLLOWER -> {
                // Longer than the longest election timeout (2 s): the others elect a leader or count it gone.
                down = Duration.ofMillis(2500 + random.nextInt(1500));
                node.pause();
                Thread.sleep(down);
                node.resume();
                return fault + " " + role + " node-" + victim + " for " + down.toMillis() + " ms";
            }
            case HALT_AFTER_DDL, HALT_BEFORE_DDL_AND_KILL_ENGINE -> {
                String point = fault == Fault.HALT_AFTER_DDL ? "after-ddl" : "before-ddl";
                node.kill();
                node.start("-Dfluxdb.apply.haltAt=" + point);
                node.awaitReadyOrExit(ProcessCluster.START_TIMEOUT);
                if (heldDdl != null) {
                    heldDdl.release();
                }
                int status = awaitHaltUnlessLeading(node, victim, Duration.ofSeconds(60));
                if (heldDdl != null) {
                    heldDdl.hold();
                }
                if (status == LEADS) {
                    // Elected after its restart (the others had no leader to offer it, e.g. one of them re-syncing):
                    // a leader runs DDL itself and applies none, so the halt point, a follower's, cannot be reached.
                    System.out.println("ClusterCrashIT " + node + " became the leader after its restart; halt point "
                            + point + " not reached, restarted without it");
                    node.kill();
                    node.start();
                    node.awaitReady(ProcessCluster.START_TIMEOUT);
                    return fault + " " + role + " node-" + victim + " (became the leader: no halt)";
                }
                assertThat(status).as(node + " halted " + point + " while applying a DDL entry:\n"
                        + OperatorProcess.tail(node.log(), 30)).isEqualTo(137);
                if (fault == Fault.HALT_BEFORE_DDL_AND_KILL_ENGINE) {
                    cluster.engine(victim).kill();
                    cluster.engine(victim).start();
                }
                node.start();
            }
        }
        node.awaitReady(ProcessCluster.START_TIMEOUT);
        return fault + " " + role + " node-" + victim + " down " + down.toMillis() + " ms";
    }

    /** One more insert through the leader, retried until it is acknowledged; its token. */
    private static String finalWrite(WriteLedger ledger) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (int attempt = 0; ; attempt++) {
            String token = FINAL + System.nanoTime();
            try (Connection c = cluster.connect(cluster.awaitLeader(Duration.ofSeconds(60)), Duration.ofSeconds(30));
                    Statement s = c.createStatement()) {
                s.execute("INSERT INTO items (token, writer, kind) VALUES ('" + token + "', -1, 'f')");
                ledger.row(token, Outcome.OK);
                return token;
            } catch (SQLException e) {
                ledger.row(token, Outcome.UNKNOWN);
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no write acknowledged after " + attempt + " attempts:\n"
                            + cluster.logTails(30), e);
                }
                Thread.sleep(500);
            }
        }
    }

    /**
     * Waits until every node holds {@code token} and has recorded the same log indexes (nothing is written after the
     * token, so they then hold everything); what each node's engine holds then.
     */
    private static List<NodeData> awaitConverged(String token, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<NodeData> nodes = new ArrayList<>();
            try {
                for (int i = 0; i < cluster.size(); i++) {
                    try (Connection c = cluster.engineConnection(i)) {
                        nodes.add(NodeData.read(c));
                    }
                }
            } catch (java.sql.SQLException e) {
                // a node still applying the log dropped a table between listing it and reading it (1146): read again
                if (e.getErrorCode() != 1146 || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(500);
                continue;
            }
            boolean converged = nodes.stream().allMatch(n -> n.tokens().contains(token))
                    && nodes.stream().map(NodeData::lastApplied).distinct().count() == 1;
            if (converged) {
                return nodes;
            }
            if (System.nanoTime() > deadline) {
                StringBuilder state = new StringBuilder();
                for (int i = 0; i < nodes.size(); i++) {
                    state.append("\n  node ").append(i).append(": applied up to ").append(nodes.get(i).lastApplied())
                            .append(", holds ").append(token).append(": ").append(nodes.get(i).tokens().contains(token));
                }
                throw new AssertionError("the nodes did not converge within " + timeout + ":" + state + "\n"
                        + cluster.logTails(40));
            }
            Thread.sleep(300);
        }
    }

    /**
     * No node logged a divergence, an engine failure, or a DDL statement that ran outside the log, except the leader's
     * own DDL window (a change of its own term that the log never got) when the node re-synced from a peer after it.
     */
    private static void assertNoNodeReportedAProblem() {
        for (int i = 0; i < cluster.size(); i++) {
            List<String> problems = new ArrayList<>();
            List<String> ownTerm = new ArrayList<>();
            for (String line : cluster.node(i).log().split("\n")) {
                if (line.contains("DIVERGED") && (line.contains("its log entry was never committed")
                        || line.contains("never reached the log"))
                        || line.contains("ran on this node's engine but could not be appended to the log")) {
                    ownTerm.add(line);
                } else if (line.contains("re-synced from a peer's data at index") && !ownTerm.isEmpty()) {
                    System.out.println("ClusterCrashIT node " + i + " re-synced after " + ownTerm.size()
                            + " line(s) about a change of its own term as leader that the log never got");
                    ownTerm.clear();
                } else if (line.contains("DIVERGED") || line.contains("the engine failed")
                        || line.contains("could not be appended to the log") || line.contains("Exception in thread")) {
                    problems.add(line);
                }
            }
            problems.addAll(ownTerm);
            assertThat(problems).as("problems node " + i + " reported (a change of its own term as leader counts only"
                    + " if the node did not re-sync after it)").isEmpty();
        }
    }

    /** Each side table is as its steps' outcomes say: absent after a refused CREATE or an acknowledged DROP, etc. */
    private static void assertSideTables(String name, NodeData node, List<SideStep> steps) {
        Map<String, Map<String, Outcome>> tables = new LinkedHashMap<>();
        for (SideStep step : steps) {
            tables.computeIfAbsent(step.table(), t -> new LinkedHashMap<>()).put(step.step(), step.outcome());
        }
        Set<String> present = new HashSet<>(node.sideRows().keySet());
        for (Map.Entry<String, Map<String, Outcome>> table : tables.entrySet()) {
            Map<String, Outcome> outcomes = table.getValue();
            String what = name + ": " + table.getKey() + " after " + outcomes;
            Outcome create = outcomes.get("create");
            Outcome drop = outcomes.get("drop");
            if (create == Outcome.REFUSED || drop == Outcome.OK) {
                assertThat(present).as(what).doesNotContain(table.getKey());
            } else if (create == Outcome.OK && drop != Outcome.UNKNOWN) {
                assertThat(present).as(what).contains(table.getKey());
                assertThat(node.columns().get(table.getKey())).as(what)
                        .isEqualTo(outcomes.get("alter") == Outcome.OK ? "id,token,extra" : outcomes.get("alter")
                                == Outcome.UNKNOWN ? node.columns().get(table.getKey()) : "id,token");
                Outcome insert = outcomes.get("insert");
                if (insert == Outcome.OK) {
                    assertThat(node.sideRows().get(table.getKey())).as(what).hasSize(1);
                } else if (insert == Outcome.REFUSED) {
                    assertThat(node.sideRows().get(table.getKey())).as(what).isEmpty();
                }
            }
        }
    }
}

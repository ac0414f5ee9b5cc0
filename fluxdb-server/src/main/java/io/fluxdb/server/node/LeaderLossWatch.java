package io.fluxdb.server.node;

import static java.util.Objects.requireNonNull;

import io.fluxdb.replication.LeaderSilence;
import io.fluxdb.replication.RaftCluster;
import io.fluxdb.replication.RaftMember;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On a follower, notices a leader whose process is gone and stands in an election at once, instead of waiting out the
 * election timeout (Raft's only sign of a dead leader is silence, and Ratis waits one to two {@code ELECTION_TIMEOUT}s
 * of it before it stands).
 *
 * <p>A process that died on a host that still runs leaves that host refusing connections to its ports. So once the
 * leader has been silent for a moment, the follower tries its internal API port and, if that refuses, its Raft port;
 * when both refuse, the leader's operator is not running. Anything else (a connection accepted, a timeout, an
 * unreachable host) proves nothing, and the election timeout decides as before: a paused process, a machine that went
 * down, a cut link.
 *
 * <p>Even then the follower stands ({@link RaftCluster#electWithoutWaiting}) only if it can win: enough of the other
 * members' internal API ports accept connections to make a majority with itself, and no other follower has committed
 * an entry its own log lacks (one that is still catching up leaves it to the next one). And only one follower should stand,
 * or two candidates split the votes and both wait out a timeout after all: the followers look in turn, the first in
 * member id order after {@code firstLook} of silence, each next one {@link #RANK_STEP} later, by which time the first
 * one's election has usually ended the silence. While the log does not move, the first look waits for
 * {@code restingLook} (longer than the leader's heartbeat interval), so a live leader at rest is not probed between
 * its heartbeats. A node stands early at most once per {@link #COOLDOWN}: where a firewall rejects (rather than drops)
 * connections between two live nodes, they would otherwise take leadership from each other over and over.
 */
final class LeaderLossWatch implements AutoCloseable {
    static final Duration TICK = Duration.ofMillis(50);
    /** The first look while the log moves: longer than the gaps between a leader's appends under load. */
    static final Duration BUSY_LOOK = Duration.ofMillis(150);
    /** How long after the log last moved the first look still comes after {@link #BUSY_LOOK}. */
    static final Duration BUSY_FOR = Duration.ofSeconds(2);
    /** How much later each next follower looks: more than a probe, an election and the new leader's first append. */
    static final Duration RANK_STEP = Duration.ofMillis(500);
    /**
     * A follower probes a silent leader's ports at most this often: a process killed with SIGKILL keeps accepting
     * connections until the kernel has released its memory, which takes hundreds of ms for a large JVM.
     */
    static final Duration PROBE_INTERVAL = Duration.ofMillis(100);
    static final Duration CONNECT_TIMEOUT = Duration.ofMillis(300);
    static final Duration COOLDOWN = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(LeaderLossWatch.class);

    private final RaftCluster raft;
    private final int raftToApiOffset;
    private final Duration restingLook;
    private final Optional<InetAddress> bind;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("fluxdb-leader-loss").factory());
    // touched by the timer's thread only
    private String attempted = "";
    private long probedAt;
    private long stoodAt;
    private long index = -1;
    private long indexMovedAt;

    /**
     * @param raftToApiOffset a member's API port minus its Raft port
     * @param heartbeatInterval how often a leader at rest sends heartbeats (half the minimum election timeout)
     * @param bind the address probes come from (BIND_ADDRESS when it names one), or empty for the system's choice
     */
    LeaderLossWatch(RaftCluster raft, int raftToApiOffset, Duration heartbeatInterval, Optional<InetAddress> bind) {
        this.raft = requireNonNull(raft, "raft is null");
        this.raftToApiOffset = raftToApiOffset;
        this.restingLook = heartbeatInterval.plus(BUSY_LOOK);
        this.bind = requireNonNull(bind, "bind is null");
        long now = System.nanoTime();
        this.probedAt = now - PROBE_INTERVAL.toNanos();
        this.stoodAt = now - COOLDOWN.toNanos();
        this.indexMovedAt = now - BUSY_FOR.toNanos();
    }

    LeaderLossWatch start() {
        timer.scheduleWithFixedDelay(this::look, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void look() {
        try {
            long now = System.nanoTime();
            long applied = raft.appliedIndex();
            if (applied != index) {
                index = applied;
                indexMovedAt = now;
            }
            Optional<LeaderSilence> heard = raft.leaderSilence();
            if (heard.isEmpty()) {
                return;
            }
            LeaderSilence silence = heard.get();
            String attempt = silence.leaderId() + " in term " + silence.term();
            if (attempt.equals(attempted) || now - stoodAt < COOLDOWN.toNanos()
                    || now - probedAt < PROBE_INTERVAL.toNanos()) {
                return;
            }
            List<RaftMember> members = raft.members();
            Optional<RaftMember> leader = members.stream().filter(m -> m.id().equals(silence.leaderId())).findFirst();
            List<RaftMember> others = members.stream()
                    .filter(m -> !m.id().equals(silence.leaderId()) && !m.id().equals(raft.localNodeId()))
                    .toList();
            int rank = members.stream().map(RaftMember::id).filter(id -> !id.equals(silence.leaderId())).sorted()
                    .toList().indexOf(raft.localNodeId());
            Duration firstLook = now - indexMovedAt < BUSY_FOR.toNanos() ? BUSY_LOOK : restingLook;
            // a follower that lacks entries another one committed would lose the vote: it leaves it to the next one
            if (leader.isEmpty() || rank < 0 || silence.behind()
                    || silence.silence().compareTo(firstLook.plus(RANK_STEP.multipliedBy(rank))) < 0) {
                return;
            }
            probedAt = now;
            InetSocketAddress raftPort = new InetSocketAddress(leader.get().raftAddress().getHostString(),
                    leader.get().raftAddress().getPort());
            InetSocketAddress apiPort = InternalApi.address(leader.get(), raftToApiOffset);
            // the API port first: a connection to a live leader's Raft port that does not complete TLS is logged there
            if (probe(apiPort) != Probe.REFUSED || probe(raftPort) != Probe.REFUSED) {
                return;
            }
            attempted = attempt;
            long reachable = 1 + others.stream()
                    .filter(m -> probe(InternalApi.address(m, raftToApiOffset)) == Probe.ACCEPTED)
                    .count();
            if (reachable < members.size() / 2 + 1) {
                log.info("leader loss - the leader {} is gone, but only {} of {} members answer: no early election",
                        silence.leaderId(), reachable, members.size());
                return;
            }
            if (raft.electWithoutWaiting(silence.leaderId(), silence.term())) {
                stoodAt = System.nanoTime();
                log.info("leader loss - the leader {} is gone (silent for {} ms; its Raft port {} and internal API "
                        + "port {} refuse connections): this node stands in an election now", silence.leaderId(),
                        silence.silence().toMillis(), raftPort.getPort(), apiPort.getPort());
            }
        } catch (Throwable e) {
            // an escaping throwable would end the scheduled task for good
            log.warn("leader loss - check failed: {}", e.toString());
        }
    }

    enum Probe {
        /** Something listens there. */
        ACCEPTED,
        /** The host answered that nothing listens there. */
        REFUSED,
        /** No answer in time, no route, no address: the host itself may be gone, which only the timeout can tell. */
        UNKNOWN
    }

    private Probe probe(InetSocketAddress address) {
        return probe(address, bind);
    }

    /** Tries a connection to {@code address} (from {@code bind} if given) and closes it at once. */
    static Probe probe(InetSocketAddress address, Optional<InetAddress> bind) {
        if (address.isUnresolved()) {
            return Probe.UNKNOWN;
        }
        try (Socket socket = new Socket()) {
            if (bind.isPresent()) {
                socket.bind(new InetSocketAddress(bind.get(), 0));
            }
            socket.connect(address, (int) CONNECT_TIMEOUT.toMillis());
            return Probe.ACCEPTED;
        } catch (ConnectException e) {
            // ECONNREFUSED (the JDK throws this type for ETIMEDOUT too, which takes far longer than CONNECT_TIMEOUT)
            return Probe.REFUSED;
        } catch (IOException e) {
            return Probe.UNKNOWN;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

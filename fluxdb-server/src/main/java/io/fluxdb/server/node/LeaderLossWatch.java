package io.fluxdb.server.node;

import static java.util.Objects.requireNonNull;

import io.fluxdb.replication.LeaderSilence;
import io.fluxdb.replication.RaftCluster;
import io.fluxdb.replication.RaftMember;
import java.io.IOException;
import java.net.ConnectException;
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
 * <p>A process that died leaves its host answering: connections to its ports are refused at once. So once the leader
 * has been silent for a moment, the follower tries its internal API port and, if that refuses, its Raft port; when
 * both refuse, the leader's operator is not running and the follower stands now ({@link
 * RaftCluster#electWithoutWaiting}). Anything else (a connection accepted, a timeout, an unreachable host) proves
 * nothing, and the election timeout decides as before: a paused process, a host that went down, a cut link.
 *
 * <p>Only one follower should stand, or two candidates split the votes and both wait out a timeout after all. The
 * followers look in turn: the first in member id order after {@link #FIRST_LOOK} of silence, each next one {@link
 * #RANK_STEP} later, by which time the first one's election has usually ended the silence. A follower makes one
 * attempt per leader and term, so a wrong call costs one needless election at most.
 */
final class LeaderLossWatch implements AutoCloseable {
    static final Duration TICK = Duration.ofMillis(50);
    /** Longer than the gaps between a leader's appends under load; a leader at rest sends heartbeats less often. */
    static final Duration FIRST_LOOK = Duration.ofMillis(150);
    /** How much later each next follower looks: more than a probe, an election and the new leader's first append. */
    static final Duration RANK_STEP = Duration.ofMillis(300);
    /** A follower probes a silent leader's ports at most this often (a leader at rest is silent between heartbeats). */
    static final Duration PROBE_INTERVAL = Duration.ofMillis(250);
    static final Duration CONNECT_TIMEOUT = Duration.ofMillis(300);
    private static final Logger log = LoggerFactory.getLogger(LeaderLossWatch.class);

    private final RaftCluster raft;
    private final int raftToApiOffset;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("fluxdb-leader-loss").factory());
    /** Touched by the timer's thread only. */
    private String attempted = "";
    private long probedAt;

    /** @param raftToApiOffset a member's API port minus its Raft port */
    LeaderLossWatch(RaftCluster raft, int raftToApiOffset) {
        this.raft = requireNonNull(raft, "raft is null");
        this.raftToApiOffset = raftToApiOffset;
    }

    LeaderLossWatch start() {
        timer.scheduleWithFixedDelay(this::look, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void look() {
        try {
            Optional<LeaderSilence> heard = raft.leaderSilence();
            if (heard.isEmpty()) {
                return;
            }
            LeaderSilence silence = heard.get();
            String attempt = silence.leaderId() + " in term " + silence.term();
            if (attempt.equals(attempted)) {
                return;
            }
            List<RaftMember> members = raft.members();
            Optional<RaftMember> leader = members.stream().filter(m -> m.id().equals(silence.leaderId())).findFirst();
            int rank = members.stream().map(RaftMember::id).filter(id -> !id.equals(silence.leaderId())).sorted()
                    .toList().indexOf(raft.localNodeId());
            if (leader.isEmpty() || rank < 0
                    || silence.silence().compareTo(FIRST_LOOK.plus(RANK_STEP.multipliedBy(rank))) < 0
                    || System.nanoTime() - probedAt < PROBE_INTERVAL.toNanos()) {
                return;
            }
            probedAt = System.nanoTime();
            InetSocketAddress raftPort = resolved(leader.get().raftAddress(), 0);
            InetSocketAddress apiPort = resolved(leader.get().raftAddress(), raftToApiOffset);
            // the API port first: probing the Raft port of a live leader makes it log a refused connection
            if (!refuses(apiPort) || !refuses(raftPort)) {
                return;
            }
            attempted = attempt;
            if (raft.electWithoutWaiting(silence.leaderId(), silence.term())) {
                log.info("leader loss - the leader {} is gone (silent for {} ms; its Raft port {} and internal API "
                        + "port {} refuse connections): this node stands in an election now", silence.leaderId(),
                        silence.silence().toMillis(), raftPort.getPort(), apiPort.getPort());
            }
        } catch (RuntimeException e) {
            log.warn("leader loss - check failed: {}", e.toString());
        }
    }

    private static InetSocketAddress resolved(InetSocketAddress raftAddress, int offset) {
        return new InetSocketAddress(raftAddress.getHostString(), raftAddress.getPort() + offset);
    }

    /** Whether nothing listens there: the host answered the connection attempt with a refusal. */
    static boolean refuses(InetSocketAddress address) {
        if (address.isUnresolved()) {
            return false;
        }
        try (Socket socket = new Socket()) {
            socket.connect(address, (int) CONNECT_TIMEOUT.toMillis());
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false; // timed out, unreachable: the host itself may be gone, which only the timeout can tell
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

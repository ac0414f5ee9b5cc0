package io.fluxdb.server.node;

import static java.util.Objects.requireNonNull;

import io.fluxdb.api.internal.ApiCallException;
import io.fluxdb.api.internal.ApiExchange;
import io.fluxdb.api.internal.InternalApiClient;
import io.fluxdb.api.internal.InternalApiServer;
import io.fluxdb.api.internal.JoinRequest;
import io.fluxdb.api.internal.LeaveRequest;
import io.fluxdb.api.internal.MembershipAnswer;
import io.fluxdb.engine.spi.ClusterRole;
import io.fluxdb.replication.RaftCluster;
import io.fluxdb.replication.RaftMember;
import io.fluxdb.server.config.ListenConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who belongs to the cluster (docs/operations.md, "Joining and leaving"):
 * <ul>
 *   <li>a node that is not a member asks the leader to add it ({@code POST /v1/join} on any member; a member that is
 *       not the leader names the leader), again every few seconds until it is a voter;</li>
 *   <li>the leader adds it through Ratis, which brings its log up to date as a non-voting member first and makes it
 *       a voter once it has caught up; with discovery (FluxOS, DNS), only a node discovery lists;</li>
 *   <li>with discovery, the leader removes a member that discovery has not listed for {@code MEMBER_REMOVE_AFTER},
 *       one at a time, never below {@link #MIN_VOTERS} voters, and never itself;</li>
 *   <li>{@code POST /v1/leave} asks the leader to remove a member now, within the same bound.</li>
 * </ul>
 */
final class Membership implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Membership.class);
    /** The leader never removes a member when fewer voters would remain: a 3-node cluster survives one failure. */
    static final int MIN_VOTERS = 3;
    static final Duration TICK = Duration.ofSeconds(2);
    /** How long {@code POST /v1/leave} waits for the removal to commit. */
    static final Duration LEAVE_WAIT = Duration.ofSeconds(30);

    private final ListenConfig listen;
    private final InternalApiClient client;
    private volatile Supplier<Optional<Set<String>>> discovered = Optional::empty;
    private final Duration removeAfter;
    private final ScheduledExecutorService timer;
    private final Map<String, Long> missingSince = new HashMap<>();
    private volatile RaftCluster raft;
    /** The membership change under way on this node as leader, and whom it concerns. */
    private CompletableFuture<Void> change = CompletableFuture.completedFuture(null);
    private String changing;
    private String lastJoinState = "";
    private String lastRemovalHold = "";
    private Optional<InetSocketAddress> leaderHint = Optional.empty();
    private final java.nio.file.Path leftMarker;
    private boolean leftLogged;

    /**
     * @param leftMarker the file {@code fluxdb leave} writes when this node left its cluster: while it exists, the node
     *     does not ask to join
     */
    Membership(ListenConfig listen, InternalApiClient client, Duration removeAfter, java.nio.file.Path leftMarker) {
        this.leftMarker = requireNonNull(leftMarker, "leftMarker is null");
        this.listen = requireNonNull(listen, "listen is null");
        this.client = requireNonNull(client, "client is null");
        this.removeAfter = requireNonNull(removeAfter, "removeAfter is null");
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("fluxdb-membership").factory());
        executor.setRemoveOnCancelPolicy(true);
        this.timer = executor;
    }

    /** Adds {@code POST /v1/join} and {@code POST /v1/leave}. */
    InternalApiServer.Builder routes(InternalApiServer.Builder builder) {
        return builder.route("POST", "/v1/join", this::handleJoin).route("POST", "/v1/leave", this::handleLeave);
    }

    /**
     * Starts the duties of membership for this node's replicated log.
     *
     * @param listed the hosts discovery lists now (empty before it has answered), or always empty where membership
     *     does not follow discovery (a static {@code PEERS} list): then no member is removed for being gone
     */
    void start(RaftCluster cluster, Supplier<Optional<Set<String>>> listed) {
        this.discovered = requireNonNull(listed, "listed is null");
        this.raft = requireNonNull(cluster, "cluster is null");
        timer.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            RaftCluster cluster = raft;
            if (!cluster.isMember() && java.nio.file.Files.exists(leftMarker)) {
                if (!leftLogged) {
                    leftLogged = true;
                    log.warn("membership - this node left its cluster (fluxdb leave): it does not ask to join again;"
                            + " to let it join, stop it, delete {} and start it again", leftMarker);
                }
            } else if (!cluster.isMember()) {
                askToJoin(cluster);
            } else {
                joined();
                if (cluster.role().isLeader()) {
                    removeGone(cluster);
                } else {
                    missingSince.clear(); // a new leader times absences afresh
                }
            }
        } catch (RuntimeException e) {
            log.warn("membership - {}", e.toString());
        }
    }

    // ---- a node that is not a member ----

    private void askToJoin(RaftCluster cluster) {
        RaftMember self = cluster.member(cluster.localNodeId()).orElseGet(() -> localMember(cluster));
        JoinRequest request = new JoinRequest(cluster.localNodeId(), self.raftAddress().getHostString(),
                self.raftAddress().getPort(), self.clientAddress().getPort());
        Set<InetSocketAddress> asked = new LinkedHashSet<>();
        leaderHint.ifPresent(asked::add);
        for (RaftMember member : cluster.members()) {
            if (!member.id().equals(cluster.localNodeId())) {
                asked.add(ClusterMembers.apiAddress(listen, member));
            }
        }
        List<String> answers = new ArrayList<>();
        for (InetSocketAddress peer : asked) {
            try {
                MembershipAnswer answer = client.post(peer, "/v1/join", JoinRequest.class, request,
                        MembershipAnswer.class);
                if (answer.status().equals(MembershipAnswer.NOT_LEADER)) {
                    leaderHint = Optional.ofNullable(answer.leaderApi()).map(ClusterMembers::parseApi);
                    answers.add(peer + ": not the leader" + (answer.leaderId() == null ? "" : " (" + answer.leaderId()
                            + " is)"));
                    continue;
                }
                joinState(answer.status() + " (" + peer + "): " + answer.message());
                if (!answer.status().equals(MembershipAnswer.REFUSED)) {
                    return;
                }
            } catch (IOException e) {
                answers.add(peer + ": " + e.getMessage());
            }
        }
        joinState("no leader reached yet: " + answers);
    }

    /** This node's entry when the group it started with does not list it (it joins). */
    private RaftMember localMember(RaftCluster cluster) {
        String id = cluster.localNodeId();
        int cut = id.lastIndexOf('_');
        String host = id.substring(0, cut);
        return new RaftMember(id, InetSocketAddress.createUnresolved(host, listen.raftPort()),
                InetSocketAddress.createUnresolved(host, listen.clientPort()));
    }

    private void joinState(String state) {
        if (!state.equals(lastJoinState)) {
            lastJoinState = state;
            log.info("membership - asking to join the cluster: {}", state);
        }
    }

    private void joined() {
        if (!lastJoinState.isEmpty() && !lastJoinState.equals("member")) {
            log.info("membership - this node is a voting member now");
        }
        lastJoinState = "member";
    }

    // ---- the leader ----

    private void handleJoin(ApiExchange exchange) throws IOException {
        JoinRequest request = exchange.readJson(JoinRequest.class);
        if (request.nodeId() == null || request.host() == null
                || !request.nodeId().equals(ClusterMembers.nodeId(request.host(), request.raftPort()))
                || request.raftPort() < 1 || request.raftPort() > 65535 || request.clientPort() < 1
                || request.clientPort() > 65535) {
            throw new ApiCallException(400, "a join names the node as <host>_<raftPort> and its ports; got " + request);
        }
        exchange.respondJson(200, MembershipAnswer.class, join(request, exchange.remoteAddress()));
    }

    private synchronized MembershipAnswer join(JoinRequest request, InetSocketAddress from) {
        RaftCluster cluster = raft;
        if (cluster == null) {
            return answer(null, MembershipAnswer.NOT_LEADER, "this node is starting");
        }
        if (cluster.member(request.nodeId()).isPresent()) {
            return answer(cluster, MembershipAnswer.MEMBER, request.nodeId() + " is a voting member");
        }
        if (!cluster.role().isLeader()) {
            return answer(cluster, MembershipAnswer.NOT_LEADER, "ask the leader");
        }
        Optional<Set<String>> listed = discovered.get();
        if (listed.isPresent() && !listed.get().contains(request.host())) {
            // it would be removed again as gone; discovery lists a new node within a poll or two (and DNS caching)
            return answer(cluster, MembershipAnswer.REFUSED, "discovery does not list " + request.host() + " (yet)");
        }
        if (!change.isDone()) {
            return request.nodeId().equals(changing)
                    ? answer(cluster, MembershipAnswer.ADDING, "catching up from the log; a voter once it has")
                    : answer(cluster, MembershipAnswer.REFUSED, "another membership change is under way ("
                            + changing + "); ask again");
        }
        RaftMember member = new RaftMember(request.nodeId(),
                InetSocketAddress.createUnresolved(request.host(), request.raftPort()),
                InetSocketAddress.createUnresolved(request.host(), request.clientPort()));
        log.info("membership - {} (from {}) asks to join: adding it; it votes once it has caught up", member.id(),
                from);
        changing = member.id();
        change = cluster.addMember(member).whenComplete((done, error) -> {
            if (error == null) {
                log.info("membership - {} is a voting member", member.id());
            } else {
                log.warn("membership - adding {} failed (it will ask again): {}", member.id(), error.getMessage());
            }
        });
        return answer(cluster, MembershipAnswer.ADDING, "catching up from the log; a voter once it has");
    }

    private void handleLeave(ApiExchange exchange) throws IOException {
        LeaveRequest request = exchange.readJson(LeaveRequest.class);
        if (request.nodeId() == null) {
            throw new ApiCallException(400, "a leave names the node id");
        }
        CompletableFuture<Void> removal;
        synchronized (this) {
            RaftCluster cluster = raft;
            MembershipAnswer early = cluster == null ? answer(null, MembershipAnswer.NOT_LEADER, "this node is starting")
                    : cluster.member(request.nodeId()).isEmpty()
                            ? answer(cluster, MembershipAnswer.REMOVED, request.nodeId() + " is not a member")
                            : !cluster.role().isLeader() ? answer(cluster, MembershipAnswer.NOT_LEADER, "ask the leader")
                            : refusal(cluster, request.nodeId()).map(why -> answer(cluster, MembershipAnswer.REFUSED, why))
                                    .orElse(null);
            if (early == null && request.nodeId().equals(cluster.localNodeId())) {
                // the leader leaves: it hands leadership over first, and the new leader removes it
                Optional<String> successor = cluster.handOverLeadership();
                early = answer(cluster, successor.isPresent() ? MembershipAnswer.NOT_LEADER : MembershipAnswer.REFUSED,
                        successor.map(s -> "this node leads: it hands leadership to " + s + " first; ask again")
                                .orElse("this node leads and could not hand leadership over; ask again later"));
            }
            if (early != null) {
                exchange.respondJson(200, MembershipAnswer.class, early);
                return;
            }
            log.info("membership - {} asks to remove {}", exchange.peerName(), request.nodeId());
            removal = remove(cluster, request.nodeId());
        }
        MembershipAnswer answer;
        try {
            removal.get(LEAVE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            answer = answer(raft, MembershipAnswer.REMOVED, request.nodeId() + " removed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (Exception e) {
            answer = answer(raft, MembershipAnswer.REFUSED, "removal failed: " + e.getMessage());
        }
        exchange.respondJson(200, MembershipAnswer.class, answer);
    }

    /** Why {@code id} may not be removed now, if it may not. */
    private Optional<String> refusal(RaftCluster cluster, String id) {
        int voters = cluster.members().size();
        if (voters - 1 < MIN_VOTERS) {
            return Optional.of("removing " + id + " would leave " + (voters - 1) + " voters; the cluster keeps at least "
                    + MIN_VOTERS);
        }
        if (!change.isDone()) {
            return Optional.of("another membership change is under way (" + changing + ")");
        }
        return Optional.empty();
    }

    private CompletableFuture<Void> remove(RaftCluster cluster, String id) {
        changing = id;
        change = cluster.removeMember(id).whenComplete((done, error) -> {
            if (error == null) {
                log.info("membership - {} removed", id);
            } else {
                log.warn("membership - removing {} failed: {}", id, error.getMessage());
            }
        });
        return change;
    }

    private synchronized void removeGone(RaftCluster cluster) {
        Optional<Set<String>> listed = discovered.get();
        if (listed.isEmpty()) {
            return; // discovery has not answered (yet): nobody is known to be gone
        }
        long now = System.nanoTime();
        List<RaftMember> members = cluster.members();
        missingSince.keySet().removeIf(id -> members.stream().noneMatch(m -> m.id().equals(id)));
        for (RaftMember member : members) {
            if (listed.get().contains(member.raftAddress().getHostString())) {
                missingSince.remove(member.id());
            } else if (!member.id().equals(cluster.localNodeId())) {
                missingSince.putIfAbsent(member.id(), now);
            }
        }
        for (Map.Entry<String, Long> gone : missingSince.entrySet()) {
            if (now - gone.getValue() < removeAfter.toNanos()) {
                continue;
            }
            Optional<String> refusal = refusal(cluster, gone.getKey());
            if (refusal.isPresent()) {
                if (!refusal.get().equals(lastRemovalHold)) {
                    lastRemovalHold = refusal.get();
                    log.warn("membership - {} has not been listed by discovery for over {}, but stays: {}",
                            gone.getKey(), removeAfter, refusal.get());
                }
                return;
            }
            lastRemovalHold = "";
            log.info("membership - {} has not been listed by discovery for over {}: removing it", gone.getKey(),
                    removeAfter);
            remove(cluster, gone.getKey());
            return; // one change at a time
        }
    }

    private MembershipAnswer answer(RaftCluster cluster, String status, String message) {
        if (cluster == null) {
            return new MembershipAnswer(status, null, null, message);
        }
        ClusterRole role = cluster.role();
        Optional<String> leader = role.isLeader() ? Optional.of(cluster.localNodeId()) : role.leaderId();
        Optional<String> leaderApi = leader.flatMap(cluster::member)
                .map(m -> ClusterMembers.apiAddress(listen, m))
                .map(a -> a.getHostString() + ":" + a.getPort());
        return new MembershipAnswer(status, leader.orElse(null), leaderApi.orElse(null), message);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

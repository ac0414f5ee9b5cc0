package io.fluxdb.server.config;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How this node finds and joins its cluster. Without an app name, a DNS name or peers the node
 * is a cluster of one and its own leader.
 *
 * @param appName the Flux app of this cluster, discovered through FluxOS ({@code DB_APPNAME})
 * @param peers other nodes' internal API addresses ({@code PEERS}); once a node found its peers through discovery,
 *     the group it starts with
 * @param peersDns a DNS name whose A records are the cluster's nodes, and their internal API port
 *     ({@code PEERS_DNS}); never with {@code appName}
 * @param secret authenticates node-to-node traffic ({@code CLUSTER_SECRET}); required with
 *     more than one node
 * @param fluxosApi the FluxOS API base URL ({@code FLUXOS_API})
 * @param consistency the default read consistency ({@code CONSISTENCY})
 * @param bootstrapExpect how many nodes must be present before a new cluster forms
 *     ({@code BOOTSTRAP_EXPECT}); empty on Flux means the app specification's instance count; required with
 *     {@code peersDns}, which tells no count
 * @param advertiseAddress the address peers reach this node at ({@code ADVERTISE_ADDRESS}); empty means: learn it
 *     (see docs/operations.md, "Joining and leaving")
 * @param memberRemoveAfter how long a member may be missing from discovery before the leader removes it
 *     ({@code MEMBER_REMOVE_AFTER})
 * @param electionTimeout how long a follower hears nothing from its leader before it starts an election
 *     ({@code ELECTION_TIMEOUT}); each follower waits a random time between this and twice this
 * @param flowControlLag how many log entries a follower may be behind before the leader's new writes wait for it
 *     ({@code FLOW_CONTROL_LAG}); 0 turns flow control off
 * @param flowControlWait the longest one write waits for followers to catch up ({@code FLOW_CONTROL_WAIT})
 */
public record ClusterConfig(
        Optional<String> appName,
        List<HostPort> peers,
        Optional<HostPort> peersDns,
        Optional<Secret> secret,
        URI fluxosApi,
        Consistency consistency,
        OptionalInt bootstrapExpect,
        Optional<String> advertiseAddress,
        Duration memberRemoveAfter,
        Duration electionTimeout,
        int flowControlLag,
        Duration flowControlWait) {
    public static final URI DEFAULT_FLUXOS_API = URI.create("https://api.runonflux.io");
    public static final int DEFAULT_PEER_API_PORT = ListenConfig.DEFAULT_API_PORT;
    /** 16 characters: a 64-bit random value in hex, the least worth guessing over a network. */
    public static final int MIN_SECRET_LENGTH = 16;
    public static final Duration DEFAULT_MEMBER_REMOVE_AFTER = Duration.ofMinutes(5);
    /**
     * 1 s: a node on the other side of the internet (Flux) misses its leader's heartbeats (every half of this) only
     * when its link really fails, not after one lost packet and its retransmission.
     */
    public static final Duration DEFAULT_ELECTION_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration MIN_ELECTION_TIMEOUT = Duration.ofMillis(100);
    public static final Duration MAX_ELECTION_TIMEOUT = Duration.ofMinutes(1);
    /** 250 entries: a few seconds of a busy follower's apply, and room for it to apply many entries in parallel. */
    public static final int DEFAULT_FLOW_CONTROL_LAG = 250;
    public static final int MAX_FLOW_CONTROL_LAG = 1_000_000;
    public static final Duration DEFAULT_FLOW_CONTROL_WAIT = Duration.ofSeconds(1);
    public static final Duration MIN_FLOW_CONTROL_WAIT = Duration.ofMillis(10);
    public static final Duration MAX_FLOW_CONTROL_WAIT = Duration.ofMinutes(1);
    /** Why a DNS name needs {@code BOOTSTRAP_EXPECT}. */
    public static final String EXPECT_REQUIRED_WITH_DNS = "required with PEERS_DNS: how many nodes the name must"
            + " list before a new cluster forms (a DNS name tells no count; e.g. 3)";
    /** Why a DNS name and a Flux app exclude each other. */
    public static final String DNS_WITH_APP = "PEERS_DNS and DB_APPNAME both say how nodes find each other"
            + " (through DNS, through FluxOS on Flux): set one of them";

    public ClusterConfig {
        requireNonNull(appName, "appName is null");
        peers = List.copyOf(requireNonNull(peers, "peers is null"));
        requireNonNull(peersDns, "peersDns is null");
        requireNonNull(secret, "secret is null");
        requireNonNull(fluxosApi, "fluxosApi is null");
        requireNonNull(consistency, "consistency is null");
        requireNonNull(bootstrapExpect, "bootstrapExpect is null");
        requireNonNull(advertiseAddress, "advertiseAddress is null");
        requireNonNull(memberRemoveAfter, "memberRemoveAfter is null");
        if (memberRemoveAfter.isNegative() || memberRemoveAfter.isZero()) {
            throw new IllegalArgumentException("memberRemoveAfter: " + memberRemoveAfter + " (expected: > 0)");
        }
        requireNonNull(electionTimeout, "electionTimeout is null");
        String timeoutProblem = electionTimeoutProblem(electionTimeout);
        if (timeoutProblem != null) throw new IllegalArgumentException("electionTimeout: " + timeoutProblem);
        if (flowControlLag < 0 || flowControlLag > MAX_FLOW_CONTROL_LAG) {
            throw new IllegalArgumentException("flowControlLag: " + flowControlLag + " (expected: 0 to "
                    + MAX_FLOW_CONTROL_LAG + ")");
        }
        requireNonNull(flowControlWait, "flowControlWait is null");
        String waitProblem = flowControlWaitProblem(flowControlWait);
        if (waitProblem != null) throw new IllegalArgumentException("flowControlWait: " + waitProblem);
        appName.ifPresent(ConfigValues::parseAppName);
        ConfigValues.parseHttpUrl(fluxosApi.toString());
        if (appName.isPresent() && peersDns.isPresent()) throw new IllegalArgumentException("peersDns: " + DNS_WITH_APP);
        boolean multiNode = appName.isPresent() || peersDns.isPresent() || !peers.isEmpty();
        String problem = secretProblem(multiNode, secret);
        if (problem != null) throw new IllegalArgumentException("secret: " + problem);
        if (peersDns.isPresent() && bootstrapExpect.isEmpty()) {
            throw new IllegalArgumentException("bootstrapExpect: " + EXPECT_REQUIRED_WITH_DNS);
        }
        problem = bootstrapProblem(appName.isPresent() || peersDns.isPresent(), peers.size(), bootstrapExpect);
        if (problem != null) throw new IllegalArgumentException("bootstrapExpect: " + problem);
    }

    /** A configuration that learns its address and removes members after {@link #DEFAULT_MEMBER_REMOVE_AFTER}. */
    public ClusterConfig(Optional<String> appName, List<HostPort> peers, Optional<Secret> secret, URI fluxosApi,
            Consistency consistency, OptionalInt bootstrapExpect) {
        this(appName, peers, Optional.empty(), secret, fluxosApi, consistency, bootstrapExpect, Optional.empty(),
                DEFAULT_MEMBER_REMOVE_AFTER, DEFAULT_ELECTION_TIMEOUT, DEFAULT_FLOW_CONTROL_LAG,
                DEFAULT_FLOW_CONTROL_WAIT);
    }

    /** This configuration with another peer list. */
    public ClusterConfig withPeers(List<HostPort> value) {
        return new ClusterConfig(appName, value, peersDns, secret, fluxosApi, consistency, bootstrapExpect,
                advertiseAddress, memberRemoveAfter, electionTimeout, flowControlLag, flowControlWait);
    }

    /** This configuration with another election timeout. */
    public ClusterConfig withElectionTimeout(Duration value) {
        return new ClusterConfig(appName, peers, peersDns, secret, fluxosApi, consistency, bootstrapExpect,
                advertiseAddress, memberRemoveAfter, value, flowControlLag, flowControlWait);
    }

    /** What is wrong with a flow control wait, or null. */
    public static String flowControlWaitProblem(Duration wait) {
        if (wait.compareTo(MIN_FLOW_CONTROL_WAIT) < 0 || wait.compareTo(MAX_FLOW_CONTROL_WAIT) > 0) {
            return wait.toMillis() + " ms is not between 10ms and 1m";
        }
        return null;
    }

    /** What is wrong with an election timeout, or null. */
    public static String electionTimeoutProblem(Duration timeout) {
        if (timeout.compareTo(MIN_ELECTION_TIMEOUT) < 0 || timeout.compareTo(MAX_ELECTION_TIMEOUT) > 0) {
            return timeout.toMillis() + " ms is not between 100ms and 1m";
        }
        return null;
    }

    /** Whether other nodes may exist: an app name or a DNS name to discover them, or a static peer list. */
    public boolean isMultiNode() {
        return appName.isPresent() || peersDns.isPresent() || !peers.isEmpty();
    }

    /**
     * Whether a discovery source lists the nodes ({@code DB_APPNAME} or {@code PEERS_DNS}): then membership follows
     * it, and a node learns its own address from its peers unless {@code ADVERTISE_ADDRESS} is set.
     */
    public boolean isDiscovered() {
        return appName.isPresent() || peersDns.isPresent();
    }

    /** What is wrong with the secret of a cluster, or null. Never includes the secret itself. */
    public static String secretProblem(boolean multiNode, Optional<Secret> secret) {
        if (secret.isEmpty()) {
            return multiNode ? "required when the cluster has more than one node (PEERS, PEERS_DNS or DB_APPNAME is set)" : null;
        }
        int length = secret.get().value().codePointCount(0, secret.get().value().length());
        if (length < MIN_SECRET_LENGTH) {
            return "is " + length + " characters long; use at least " + MIN_SECRET_LENGTH
                    + " (e.g. the output of: openssl rand -hex 16)";
        }
        return null;
    }

    /** What is wrong with an expected cluster size, or null. */
    public static String bootstrapProblem(boolean discovered, int peerCount, OptionalInt bootstrapExpect) {
        if (bootstrapExpect.isEmpty()) return null;
        int expect = bootstrapExpect.getAsInt();
        if (expect < 1) return expect + " is out of range (expected at least 1)";
        if (!discovered && expect > peerCount + 1) {
            return peerCount == 0
                    ? expect + " nodes can never be found: none of PEERS, PEERS_DNS and DB_APPNAME is set"
                    : expect + " nodes can never be found: PEERS lists " + peerCount + " other node" + (peerCount == 1 ? "" : "s");
        }
        return null;
    }
}

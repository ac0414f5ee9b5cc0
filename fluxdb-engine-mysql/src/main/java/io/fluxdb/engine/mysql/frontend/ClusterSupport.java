package io.fluxdb.engine.mysql.frontend;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.spi.Cluster;
import io.fluxdb.engine.spi.StatementClassifier;
import java.util.concurrent.Executor;

/**
 * What the sessions of one front end share for running in a replicated cluster.
 *
 * @param cluster this node's view of the cluster
 * @param gate the leader's write barrier
 * @param books the leader's bookkeeping through the engine's administrative connection
 * @param clock the leader's write timestamps
 * @param blocking where blocking engine work runs (never on an event loop)
 * @param classifier reads prepared statements' text
 * @param consistency the read consistency of a session that does not choose one
 * @param forwarding how a follower's sessions reach the leader; empty: followers refuse writes
 * @param proof checks that a connection is another node's forwarded session; empty: none is admitted as such
 * @param forwardedCommits the writes this node's sessions forwarded and saw committed, for its {@code session} reads
 */
record ClusterSupport(Cluster cluster, WriteGate gate, LeaderBookkeeping books, LeaderClock clock, Executor blocking,
        StatementClassifier classifier, ReadConsistency consistency, java.util.Optional<LeaderConnector> forwarding,
        java.util.Optional<ForwardProof> proof, ForwardedCommits forwardedCommits) {
    ClusterSupport {
        requireNonNull(cluster, "cluster is null");
        requireNonNull(gate, "gate is null");
        requireNonNull(books, "books is null");
        requireNonNull(clock, "clock is null");
        requireNonNull(blocking, "blocking is null");
        requireNonNull(classifier, "classifier is null");
        requireNonNull(consistency, "consistency is null");
        requireNonNull(forwarding, "forwarding is null");
        requireNonNull(proof, "proof is null");
        requireNonNull(forwardedCommits, "forwardedCommits is null");
    }
}

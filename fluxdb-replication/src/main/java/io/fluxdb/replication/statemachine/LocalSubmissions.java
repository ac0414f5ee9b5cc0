package io.fluxdb.replication.statemachine;

import org.apache.ratis.protocol.ClientId;

/**
 * The entries this node's front end is submitting, as the state machine needs to see them: it refuses to append an
 * entry whose submitter already gave up, and it tells the submitter when its entry is committed.
 */
public interface LocalSubmissions {

    /** The client id under which this node submits its entries in this run. */
    ClientId clientId();

    /**
     * Called on the leader, in log order, right before the entry of {@code callId} is appended.
     *
     * @return false to refuse the append (the submitter has been told it failed)
     */
    boolean beforeAppend(long callId);

    /**
     * The entry of {@code callId} is committed at {@code index}.
     *
     * @return null if its submitter no longer waits for it; otherwise the action that tells the submitter, to run once
     *     the entry is queued (held back until it is settled), so that a settle can never arrive before the entry
     */
    Runnable committed(long callId, long term, long index);
}

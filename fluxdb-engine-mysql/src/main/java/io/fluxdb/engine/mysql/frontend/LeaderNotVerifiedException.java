package io.fluxdb.engine.mysql.frontend;

import java.io.IOException;

/**
 * The server at the leader's address could not be shown to be the leader (no TLS, another certificate, or none
 * known for the leader), so a forwarded session was not opened and nothing of the client's was sent.
 */
final class LeaderNotVerifiedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final boolean unanswered;

    /**
     * @param unanswered whether the leader could not be asked for its certificate at all (its internal API did not
     *     answer: gone, or unreachable from here), rather than answering with something that did not match
     */
    LeaderNotVerifiedException(String message, boolean unanswered) {
        super(message);
        this.unanswered = unanswered;
    }

    /** Whether the leader did not answer, as a dead one does; else it answered and was not the leader. */
    boolean unanswered() {
        return unanswered;
    }
}

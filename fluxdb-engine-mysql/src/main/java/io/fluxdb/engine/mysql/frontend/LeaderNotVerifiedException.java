package io.fluxdb.engine.mysql.frontend;

import java.io.IOException;

/**
 * The server at the leader's address could not be shown to be the leader (no TLS, another certificate, or none
 * known for the leader), so a forwarded session was not opened and nothing of the client's was sent.
 */
final class LeaderNotVerifiedException extends IOException {
    private static final long serialVersionUID = 1L;

    LeaderNotVerifiedException(String message) {
        super(message);
    }
}

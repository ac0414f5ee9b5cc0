package io.fluxdb.api.internal;

import java.io.IOException;

/** A peer's internal API answered with an HTTP error; {@link #status()} tells which. */
public final class ApiCallException extends IOException {
    private final int status;

    public ApiCallException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status the peer answered. */
    public int status() {
        return status;
    }
}

package io.fluxdb.protocol;

import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.constant.MySqlError;

/**
 * An error FluxDB raises itself, carried up to the session handler, which turns it into an ERR
 * packet with the error's code and SQLSTATE.
 */
public class FluxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient MySqlError error;

    public FluxException(MySqlError error, Object... args) {
        super(requireNonNull(error, "error is null").message(args));
        this.error = error;
    }

    public FluxException(Throwable cause, MySqlError error, Object... args) {
        super(requireNonNull(error, "error is null").message(args), cause);
        this.error = error;
    }

    public MySqlError error() {
        return error;
    }

    public int code() {
        return error.code();
    }

    public String sqlState() {
        return error.sqlState();
    }
}

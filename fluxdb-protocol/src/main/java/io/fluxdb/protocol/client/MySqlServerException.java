package io.fluxdb.protocol.client;

import static java.util.Objects.requireNonNull;

import io.fluxdb.protocol.message.server.ErrPacket;

/** The server answered with an ERR packet; its code, SQLSTATE and message are kept unchanged. */
public class MySqlServerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient ErrPacket err;

    public MySqlServerException(ErrPacket err) {
        super(requireNonNull(err, "err is null").message());
        this.err = err;
    }

    public ErrPacket err() {
        return err;
    }

    public int errorCode() {
        return err.errorCode();
    }

    /** The SQLSTATE, or null if the server sent none. */
    public String sqlState() {
        return err.sqlState();
    }
}

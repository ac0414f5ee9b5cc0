package io.fluxdb.engine.mysql.backend;

/** The engine refused a login or a command with an ERR packet, whose fields are passed through to the client. */
public final class BackendLoginException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int errorCode;
    private final String sqlState;

    public BackendLoginException(int errorCode, String sqlState, String message) {
        super(message);
        this.errorCode = errorCode;
        this.sqlState = sqlState;
    }

    public int errorCode() {
        return errorCode;
    }

    public String sqlState() {
        return sqlState;
    }
}

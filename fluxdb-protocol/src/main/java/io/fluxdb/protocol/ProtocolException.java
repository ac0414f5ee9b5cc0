package io.fluxdb.protocol;

import io.netty.handler.codec.DecoderException;

/**
 * Malformed or unexpected bytes on a MySQL connection. Decoders throw it instead of any other
 * runtime exception, so a handler can answer with an ERR packet (where the protocol allows one)
 * and close the connection without affecting other sessions.
 */
public class ProtocolException extends DecoderException {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message);
    }

    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.fluxdb.engine.mysql.frontend;

import io.netty.handler.ssl.NotSslRecordException;
import javax.net.ssl.SSLException;

/**
 * Recognises a failed TLS exchange with a client (plain bytes after an SSLRequest, a handshake the
 * client aborts, a protocol version it does not share): the client's doing, logged as one line.
 */
final class BadTls {
    private BadTls() {}

    static boolean is(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SSLException || t instanceof NotSslRecordException) {
                return true;
            }
        }
        return false;
    }

    /** The innermost message, short: the TLS stack wraps it in DecoderExceptions that add nothing. */
    static String describe(Throwable error) {
        Throwable inner = error;
        while (inner.getCause() != null && inner.getCause() != inner) {
            inner = inner.getCause();
        }
        String message = inner instanceof NotSslRecordException ? "not a TLS record" : String.valueOf(inner.getMessage());
        return inner.getClass().getSimpleName() + ": " + (message.length() > 120 ? message.substring(0, 120) + "..." : message);
    }
}

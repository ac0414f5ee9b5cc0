package io.fluxdb.protocol.auth;

import io.fluxdb.protocol.ProtocolException;

/**
 * Authentication cannot proceed: an unsupported plugin, a credential the plugin cannot use, or
 * an exchange that broke the plugin's rules. Messages never contain secrets.
 */
public class AuthException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    public AuthException(String message) {
        super(message);
    }

    public AuthException(String message, Throwable cause) {
        super(message, cause);
    }
}

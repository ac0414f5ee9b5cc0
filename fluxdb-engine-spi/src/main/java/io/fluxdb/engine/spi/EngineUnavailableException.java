package io.fluxdb.engine.spi;

/**
 * The configured engine cannot be created: it is unknown, not implemented yet, or cannot run here. The message is
 * written for the person who configured the operator, and the operator stops at start with it.
 */
public class EngineUnavailableException extends IllegalStateException {

    public EngineUnavailableException(String message) {
        super(message);
    }

    public EngineUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

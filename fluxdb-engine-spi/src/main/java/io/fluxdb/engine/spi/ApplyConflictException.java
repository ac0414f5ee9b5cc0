package io.fluxdb.engine.spi;

/**
 * An entry applied in parallel with others waited for a lock one of them held. The leader ran them at the same time
 * without such a wait, so it is an artefact of the apply schedule, never an outcome: the entry is applied again
 * after the ones before it.
 */
public class ApplyConflictException extends RuntimeException {

    public ApplyConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.fluxdb.discovery;

/** A lookup that gave no usable answer: the source failed, hung, or answered something that makes no sense. */
public class DiscoveryException extends Exception {

    public DiscoveryException(String message) {
        super(message);
    }

    public DiscoveryException(String message, Throwable cause) {
        super(message, cause);
    }
}

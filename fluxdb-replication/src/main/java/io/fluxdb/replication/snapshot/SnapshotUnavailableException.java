package io.fluxdb.replication.snapshot;

import java.io.IOException;

/** This node cannot serve a snapshot now (it is behind, or its engine is busy); the caller asks another peer. */
public final class SnapshotUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    public SnapshotUnavailableException(String message) {
        super(message);
    }
}

package io.fluxdb.engine.mysql.frontend;

import java.util.concurrent.CompletionException;

/** Small helpers for the failures that futures report. */
final class Failures {
    private Failures() {
    }

    /** What failed: a future's {@link CompletionException} wraps the cause it completed with. */
    static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}

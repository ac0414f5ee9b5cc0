package io.fluxdb.replication;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.ratis.util.ExitUtils;

/**
 * Ratis' process-wide policies, turned off for a library that lives inside someone else's process. Left alone, a Raft
 * server whose port cannot be opened calls {@code System.exit(1)}: every other node of the process, its engines and
 * the embedding application die with it, and the operator's own shutdown waited a minute for a start that never
 * returned. Ratis also installs a default uncaught-exception handler of its own when its exit policy is first used;
 * the handler the process had is put back.
 */
final class RatisProcess {
    private static final AtomicBoolean EMBEDDED = new AtomicBoolean();

    private RatisProcess() {}

    /** Idempotent; before the first Raft server of the process starts. */
    static void embed() {
        if (EMBEDDED.compareAndSet(false, true)) {
            Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
            // a failure to start now throws ExitUtils.ExitException out of RaftServer.start instead
            ExitUtils.disableSystemExit();
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
    }
}

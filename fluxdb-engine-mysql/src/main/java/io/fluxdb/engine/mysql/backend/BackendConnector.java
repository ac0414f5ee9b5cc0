package io.fluxdb.engine.mysql.backend;

import io.fluxdb.protocol.auth.Credential;
import io.netty.channel.EventLoop;
import java.util.concurrent.CompletableFuture;

/** Opens a new logged-in backend connection. */
@FunctionalInterface
public interface BackendConnector {
    /**
     * Connects to the engine and logs in as {@code key.user()} with {@code credential}, negotiating
     * {@code key.capabilities()}. Fails with {@link BackendLoginException} when the engine refuses the
     * login (its ERR is passed through to the client), or with an I/O exception.
     *
     * @param eventLoop the event loop to run the connection on (the client's, so relaying needs no hand-off)
     */
    CompletableFuture<BackendConnection> connect(BackendKey key, Credential credential, EventLoop eventLoop);
}

package io.fluxdb.engine.mysql.frontend;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.mysql.account.AccountDirectory;
import io.fluxdb.engine.mysql.backend.BackendPool;
import io.fluxdb.engine.spi.ClientAdmission;
import io.fluxdb.engine.spi.StatementClassifier;
import io.fluxdb.protocol.auth.ServerAuthConfig;
import java.util.Optional;
import java.util.concurrent.Executor;

/** What every client session of one front end shares. */
record FrontEndServices(
        ProxyConfig config,
        EngineProfile engine,
        SessionRegistry registry,
        BackendPool backends,
        AccountDirectory accounts,
        ServerAuthConfig auth,
        StatementClassifier classifier,
        ClientAdmission access,
        Executor blocking,
        Optional<ClusterSupport> cluster,
        PendingLogins pendingLogins,
        LogThrottle badInputLog) {

    FrontEndServices {
        requireNonNull(config, "config is null");
        requireNonNull(engine, "engine is null");
        requireNonNull(registry, "registry is null");
        requireNonNull(backends, "backends is null");
        requireNonNull(accounts, "accounts is null");
        requireNonNull(auth, "auth is null");
        requireNonNull(classifier, "classifier is null");
        requireNonNull(access, "access is null");
        requireNonNull(blocking, "blocking is null");
        requireNonNull(cluster, "cluster is null");
        requireNonNull(pendingLogins, "pendingLogins is null");
        requireNonNull(badInputLog, "badInputLog is null");
    }
}

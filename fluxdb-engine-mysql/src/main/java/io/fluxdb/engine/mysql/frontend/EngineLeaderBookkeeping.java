package io.fluxdb.engine.mysql.frontend;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.mysql.MySqlEngine;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** {@link LeaderBookkeeping} through the engine's administrative connection. */
final class EngineLeaderBookkeeping implements LeaderBookkeeping {
    private final MySqlEngine engine;
    private final String nodeId;
    private final String processNonce = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    private final AtomicLong sequence = new AtomicLong();

    EngineLeaderBookkeeping(MySqlEngine engine, String nodeId) {
        this.engine = requireNonNull(engine, "engine is null");
        this.nodeId = requireNonNull(nodeId, "nodeId is null");
    }

    @Override
    public String newTransactionId(long term) {
        return "fx-" + term + "-" + nodeId + "-" + processNonce + "-" + sequence.incrementAndGet();
    }

    @Override
    public void ddlStarting(String xid, String sql) {
    }

    @Override
    public void ddlExecuted(String xid) {
    }

    @Override
    public void ddlAbandoned(String xid) {
    }
}

package io.fluxdb.engine.mysql.frontend;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.mysql.MySqlEngine;
import io.fluxdb.engine.mysql.apply.TransactionIds;

/** {@link LeaderBookkeeping} through the engine's administrative connection. */
final class EngineLeaderBookkeeping implements LeaderBookkeeping {
    private final MySqlEngine engine;
    private final TransactionIds ids;

    EngineLeaderBookkeeping(MySqlEngine engine, String nodeId) {
        this.engine = requireNonNull(engine, "engine is null");
        this.ids = TransactionIds.forNode(nodeId);
    }

    @Override
    public String newTransactionId(long term) {
        engine.transactionsBegin();
        return ids.next(term);
    }

    @Override
    public void ddlStarting(String xid) {
        engine.ddlStarting(xid);
    }

    @Override
    public void ddlExecuted(String xid) {
        engine.ddlExecuted(xid);
    }

    @Override
    public void ddlAbandoned(String xid) {
        engine.ddlFailed(xid);
    }
}

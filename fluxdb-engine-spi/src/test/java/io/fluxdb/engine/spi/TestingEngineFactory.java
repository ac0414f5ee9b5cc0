package io.fluxdb.engine.spi;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/** An implemented engine for loader tests; every operation is a no-op. */
public final class TestingEngineFactory implements EngineFactory {

    @Override
    public String name() {
        return "testing";
    }

    @Override
    public Engine create(EngineConfig config) {
        return new Engine() {
            @Override
            public void start() {
            }

            @Override
            public EngineInfo info() {
                return new EngineInfo("testing", "Testing", "1.0");
            }

            @Override
            public EngineHealth health() {
                return EngineHealth.up();
            }

            @Override
            public StatementClassifier classifier() {
                return sql -> List.of(new Classification(StatementKind.WRITE, "", false, java.util.Set.of(),
                        TransactionEffect.NONE, java.util.Optional.empty(), List.of(), false, 0, sql.length(), 1));
            }

            @Override
            public ApplyResult apply(long index, LogEntryContent entry) {
                return new ApplyResult.AlreadyApplied(index);
            }

            @Override
            public long lastAppliedIndex() {
                return 0;
            }

            @Override
            public void dump(OutputStream out) {
            }

            @Override
            public void restore(InputStream in) {
            }

            @Override
            public void close() {
            }
        };
    }
}

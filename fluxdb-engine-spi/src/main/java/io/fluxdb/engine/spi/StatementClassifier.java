package io.fluxdb.engine.spi;

import java.util.List;

/**
 * Tells a front end how to route statement text: read locally, forward to the leader, track as session state.
 *
 * <p>Implementations are dialect knowledge, stateless and thread-safe, and never throw on any input: text they do
 * not understand is classified {@link StatementKind#WRITE}, never {@link StatementKind#READ}.
 */
public interface StatementClassifier {

    /**
     * Splits a query text into its statements and classifies each, in text order. Separators inside strings,
     * comments and compound-statement bodies do not split. Never empty: text without statements yields one
     * {@link StatementKind#EMPTY} classification.
     */
    List<Classification> classifyAll(String sql);

    /** Classifies a query text as a whole; for several statements, see {@link Classification#combine}. */
    default Classification classify(String sql) {
        return Classification.combine(classifyAll(sql));
    }
}

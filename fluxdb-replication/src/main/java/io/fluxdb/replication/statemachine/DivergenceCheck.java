package io.fluxdb.replication.statemachine;

import io.fluxdb.engine.spi.ApplyResult;
import io.fluxdb.engine.spi.LogEntryContent;
import io.fluxdb.engine.spi.ReplicatedStatement;
import java.util.List;
import java.util.Optional;

/**
 * Compares what applying an entry did here with what it did on the leader. Every entry in the log succeeded on the
 * leader (a transaction is prepared, and a statement that commits implicitly is executed, before its entry is
 * appended), so a failure here is a difference, and so is another affected-row count where the leader recorded one.
 */
final class DivergenceCheck {

    private DivergenceCheck() {
    }

    /** Why the outcome differs from the leader's, or empty when it does not (or cannot be compared). */
    static Optional<String> compare(long index, LogEntryContent content, ApplyResult result) {
        return switch (result) {
            case ApplyResult.AlreadyApplied ignored -> Optional.empty();
            case ApplyResult.Failed failed -> Optional.of("entry " + index + ": statement " + failed.statement()
                    + " failed here with error " + failed.errorCode() + " (" + failed.sqlState() + ") '"
                    + failed.message() + "' but succeeded on the leader " + content.originNodeId());
            case ApplyResult.Applied applied -> compareRows(index, content.statements(), applied.affectedRows());
        };
    }

    private static Optional<String> compareRows(long index, List<ReplicatedStatement> statements, List<Long> rows) {
        if (rows.size() != statements.size()) {
            return Optional.of("entry " + index + ": the engine reported affected rows of " + rows.size()
                    + " statements for an entry of " + statements.size());
        }
        for (int i = 0; i < statements.size(); i++) {
            ReplicatedStatement statement = statements.get(i);
            if (statement.affectedRows().isPresent() && statement.affectedRows().getAsLong() != rows.get(i)) {
                return Optional.of("entry " + index + ": statement " + i + " changed " + rows.get(i)
                        + " rows here but " + statement.affectedRows().getAsLong() + " on the leader");
            }
        }
        return Optional.empty();
    }
}

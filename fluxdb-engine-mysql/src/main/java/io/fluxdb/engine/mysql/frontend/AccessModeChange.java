package io.fluxdb.engine.mysql.frontend;

import io.fluxdb.engine.spi.Classification;
import io.fluxdb.engine.spi.StatementKind;
import io.fluxdb.engine.spi.VariableAssignment;
import java.util.Locale;

/**
 * Whether a SET statement changes the transaction access mode ({@code SET [SESSION] TRANSACTION READ WRITE},
 * {@code tx_read_only}, {@code transaction_read_only}). In a cluster the engine session stays read-only, so that no
 * write can run outside the log; such assignments are answered by the operator, not passed on.
 */
enum AccessModeChange {
    /** The statement does not touch the access mode. */
    NONE,
    /** Every assignment of the statement is an access mode: answer OK, change nothing. */
    ONLY_ACCESS_MODE,
    /** Access mode and other assignments (an isolation level): pass it on, then restore read-only mode. */
    MIXED;

    static AccessModeChange of(Classification c) {
        if (c.kind() != StatementKind.SESSION || c.assignments().isEmpty()) {
            return NONE;
        }
        int modes = 0;
        for (VariableAssignment a : c.assignments()) {
            if (setsAccessModeOnly(a)) {
                modes++;
            } else if (mentionsAccessMode(a)) {
                return MIXED;
            }
        }
        return modes == 0 ? NONE : modes == c.assignments().size() ? ONLY_ACCESS_MODE : MIXED;
    }

    private static boolean setsAccessModeOnly(VariableAssignment a) {
        if (a.name().equals("tx_read_only") || a.name().equals("transaction_read_only")) {
            return true;
        }
        String value = a.value().toUpperCase(Locale.ROOT).replaceAll("\\s+", " ").trim();
        return a.name().equals("transaction") && (value.equals("READ WRITE") || value.equals("READ ONLY"));
    }

    private static boolean mentionsAccessMode(VariableAssignment a) {
        String value = a.value().toUpperCase(Locale.ROOT);
        return a.name().equals("transaction") && (value.contains("READ WRITE") || value.contains("READ ONLY"));
    }
}

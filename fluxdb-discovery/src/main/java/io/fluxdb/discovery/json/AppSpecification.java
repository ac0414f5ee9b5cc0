package io.fluxdb.discovery.json;

import java.util.List;

/**
 * The parts of {@code GET /apps/appspecifications/{app}} that FluxDB reads.
 *
 * @param name the app
 * @param instances how many instances Flux runs
 * @param owner the ZelID that owns the app
 * @param compose the app's components
 */
public record AppSpecification(String name, Integer instances, String owner, List<ComposeComponent> compose) {
}

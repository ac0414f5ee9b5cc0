package io.fluxdb.discovery.json;

/**
 * One component of an app specification.
 *
 * @param name the component name, e.g. {@code operator}
 * @param repotag its image, e.g. {@code runonflux/shared-db:latest}
 * @param containerData its volume, e.g. {@code s:/app/dumps} for a Syncthing-replicated one
 */
public record ComposeComponent(String name, String repotag, String containerData) {
}

package io.fluxdb.engine.spi;

import java.util.List;

/** Shared behaviour of the factories for engines that are announced but not implemented. */
final class PlaceholderEngines {

    private PlaceholderEngines() {
    }

    static EngineUnavailableException notImplemented(String name) {
        // The context loader is the one Engines.load searched by default, so it sees the same engine jars.
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        List<String> supported = Engines.supportedNames(
                loader != null ? loader : PlaceholderEngines.class.getClassLoader());
        return new EngineUnavailableException("engine '" + name + "' is not implemented yet; FluxDB supports: "
                + (supported.isEmpty() ? "no implemented engine on the class path" : String.join(", ", supported)));
    }
}

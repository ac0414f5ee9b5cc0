package io.fluxdb.engine.spi;

/**
 * Names an engine and creates it from configuration.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader}: an engine jar lists its factory in
 * {@code META-INF/services/io.fluxdb.engine.spi.EngineFactory}, and the operator picks the one whose
 * {@link #name()} matches its configuration (see {@link Engines#load(String, EngineConfig)}). A factory must have
 * a public no-argument constructor and must not do any work until {@link #create(EngineConfig)} is called.
 */
public interface EngineFactory {

    /** The engine's configuration name, lower case, e.g. {@code "mysql"}. Unique on the classpath. */
    String name();

    /**
     * Creates an engine that has not been started yet. Fails fast (with an unchecked exception carrying a message
     * meant for the operator's user) when the configuration cannot work for this engine.
     *
     * @throws EngineUnavailableException if the engine is not implemented or cannot run on this machine
     */
    Engine create(EngineConfig config);

    /**
     * Whether this factory creates a working engine. Placeholders for engines that are announced but not
     * implemented return {@code false}, so the operator can list the engines it actually supports.
     */
    default boolean implemented() {
        return true;
    }
}

package io.fluxdb.engine.spi;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Finds {@link EngineFactory} implementations with {@link ServiceLoader} and creates the configured engine.
 *
 * <p>Each call scans the class path again, so the result reflects the jars present; the scan is cheap and happens
 * once per operator start.
 */
public final class Engines {

    private static final System.Logger LOG = System.getLogger(Engines.class.getName());

    private Engines() {
    }

    /**
     * Creates (without starting) the engine named {@code name}, using the thread context class loader.
     *
     * @throws EngineUnavailableException if no factory has that name, or the factory refuses to create it
     * @throws IllegalStateException if no factory at all is on the class path, or two share a name
     */
    public static Engine load(String name, EngineConfig config) {
        return load(name, config, Thread.currentThread().getContextClassLoader());
    }

    /** As {@link #load(String, EngineConfig)}, looking up factories in {@code classLoader}. */
    public static Engine load(String name, EngineConfig config, ClassLoader classLoader) {
        requireNonNull(name, "name is null");
        requireNonNull(config, "config is null");
        Map<String, EngineFactory> factories = factories(classLoader);
        EngineFactory factory = factories.get(name.trim().toLowerCase(Locale.ROOT));
        if (factory == null) {
            throw new EngineUnavailableException("unknown engine '" + name + "'; known engines: "
                    + String.join(", ", factories.keySet()) + " (FluxDB supports: " + supported(factories) + ")");
        }
        Engine engine = factory.create(config);
        if (engine == null) {
            throw new IllegalStateException(factory.getClass().getName() + ".create returned null");
        }
        return engine;
    }

    /**
     * All factories on the class path, by name in alphabetical order.
     *
     * @throws IllegalStateException if there is none, or two share a name
     */
    public static Map<String, EngineFactory> factories(ClassLoader classLoader) {
        Map<String, EngineFactory> byName = new TreeMap<>();
        for (EngineFactory factory : ServiceLoader.load(EngineFactory.class, classLoader)) {
            String key = requireNonNull(factory.name(), factory.getClass().getName() + ".name() is null")
                    .toLowerCase(Locale.ROOT);
            EngineFactory previous = byName.putIfAbsent(key, factory);
            if (previous != null && previous.getClass() != factory.getClass()) {
                throw new IllegalStateException("two engine factories are named '" + key + "': "
                        + previous.getClass().getName() + " and " + factory.getClass().getName());
            }
            LOG.log(System.Logger.Level.DEBUG, "Registering engine {0}", key);
        }
        if (byName.isEmpty()) {
            throw new IllegalStateException("no " + EngineFactory.class.getName()
                    + " found on the class path; is an engine jar such as fluxdb-engine-mysql missing?");
        }
        return byName;
    }

    /** The names of the implemented engines on the class path, for messages such as "FluxDB supports: mysql". */
    public static List<String> supportedNames(ClassLoader classLoader) {
        List<String> names = new ArrayList<>();
        for (EngineFactory factory : ServiceLoader.load(EngineFactory.class, classLoader)) {
            if (factory.implemented()) {
                names.add(factory.name().toLowerCase(Locale.ROOT));
            }
        }
        names.sort(null);
        return names;
    }

    private static String supported(Map<String, EngineFactory> factories) {
        List<String> names = new ArrayList<>();
        factories.forEach((name, factory) -> {
            if (factory.implemented()) {
                names.add(name);
            }
        });
        return names.isEmpty() ? "no implemented engine on the class path" : String.join(", ", names);
    }
}

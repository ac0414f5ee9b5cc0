package io.fluxdb.engine.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnginesTest {

    private static final EngineConfig CONFIG = EngineConfig.of("localhost", 3306, "root", "secret");
    private static final ClassLoader LOADER = EnginesTest.class.getClassLoader();

    @Test
    void findsThePlaceholders() {
        Map<String, EngineFactory> factories = Engines.factories(LOADER);
        assertThat(factories).containsOnlyKeys("mongodb", "postgresql");
        assertThat(factories.values()).noneMatch(EngineFactory::implemented);
        assertThat(Engines.supportedNames(LOADER)).isEmpty();
    }

    @Test
    void placeholdersFailWithAClearMessage() {
        assertThatThrownBy(() -> Engines.load("postgresql", CONFIG, LOADER))
                .isInstanceOf(EngineUnavailableException.class)
                .hasMessageStartingWith("engine 'postgresql' is not implemented yet; FluxDB supports: ");
        assertThatThrownBy(() -> Engines.load("MongoDB", CONFIG, LOADER))
                .isInstanceOf(EngineUnavailableException.class)
                .hasMessageStartingWith("engine 'mongodb' is not implemented yet; FluxDB supports: ");
    }

    @Test
    void placeholderMessageListsImplementedEngines(@TempDir Path dir) throws IOException {
        try (URLClassLoader loader = withFactory(dir, TestingEngineFactory.class)) {
            assertThat(Engines.supportedNames(loader)).containsExactly("testing");
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(loader);
            try {
                assertThatThrownBy(() -> Engines.load("postgresql", CONFIG))
                        .hasMessage("engine 'postgresql' is not implemented yet; FluxDB supports: testing");
            } finally {
                thread.setContextClassLoader(previous);
            }
        }
    }

    @Test
    void unknownNameListsKnownEngines() {
        assertThatThrownBy(() -> Engines.load("oracle", CONFIG, LOADER))
                .isInstanceOf(EngineUnavailableException.class)
                .hasMessage("unknown engine 'oracle'; known engines: mongodb, postgresql"
                        + " (FluxDB supports: no implemented engine on the class path)");
    }

    @Test
    void failsWhenNoFactoryIsFound() {
        ClassLoader empty = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader());
        assertThatThrownBy(() -> Engines.load("mysql", CONFIG, empty))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no io.fluxdb.engine.spi.EngineFactory found on the class path");
    }

    @Test
    void loadsAnImplementedEngine(@TempDir Path dir) throws IOException {
        try (URLClassLoader loader = withFactory(dir, TestingEngineFactory.class)) {
            assertThat(Engines.load(" Testing ", CONFIG, loader)).isInstanceOf(Engine.class);
        }
    }

    /** A loader that sees the test classes plus a service file registering {@code factory}. */
    private static URLClassLoader withFactory(Path dir, Class<? extends EngineFactory> factory) throws IOException {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(EngineFactory.class.getName()), factory.getName() + "\n");
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, LOADER);
    }
}

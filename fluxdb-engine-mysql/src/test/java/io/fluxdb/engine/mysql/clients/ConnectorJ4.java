package io.fluxdb.engine.mysql.clients;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Driver;

/**
 * MariaDB Connector/J 4.x next to the 3.x on the test class path. Both generations share package
 * names, so 4.x cannot sit on the class path: the build copies its jar from Maven Central into
 * {@code target/client-jars} and this loads it in a class loader of its own, whose parent sees
 * only the JDK.
 */
final class ConnectorJ4 implements AutoCloseable {
    private static final String JAR_PROPERTY = "fluxdb.it.mariadb-client4.jar";
    private static final String VERSION_PROPERTY = "fluxdb.it.mariadb-client4.version";

    private final URLClassLoader loader;
    private final Driver driver;

    private ConnectorJ4(URLClassLoader loader, Driver driver) {
        this.loader = loader;
        this.driver = driver;
    }

    /** Loads the jar the build copied; a missing jar fails the test with the command that copies it. */
    static ConnectorJ4 load() throws ReflectiveOperationException {
        Path jar = Path.of(System.getProperty(JAR_PROPERTY, "target/client-jars/mariadb-java-client-4.jar"));
        if (!Files.isRegularFile(jar)) {
            fail("%s is missing; the build copies it from Maven Central (./mvnw -pl fluxdb-engine-mysql -am"
                    + " generate-test-resources)", jar.toAbsolutePath());
        }
        URLClassLoader loader;
        try {
            loader = new URLClassLoader("mariadb-java-client-4", new URL[] {jar.toUri().toURL()},
                    ClassLoader.getPlatformClassLoader());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Driver driver = (Driver) Class.forName("org.mariadb.jdbc.Driver", true, loader).getDeclaredConstructor()
                .newInstance();
        return new ConnectorJ4(loader, driver);
    }

    /** The version the build copied, as the driver reports it. */
    static String expectedVersion() {
        return System.getProperty(VERSION_PROPERTY, "4.0.0");
    }

    Driver driver() {
        return driver;
    }

    ClassLoader classLoader() {
        return loader;
    }

    @Override
    public void close() throws IOException {
        loader.close();
    }
}

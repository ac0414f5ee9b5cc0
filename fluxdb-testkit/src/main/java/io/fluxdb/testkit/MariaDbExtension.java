package io.fluxdb.testkit;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit Jupiter extension that runs one MariaDB server per test class and injects it as a {@link MariaDbProcess}
 * parameter into test methods, constructors, lifecycle methods and {@code @BeforeAll} methods.
 *
 * <pre>{@code
 * @ExtendWith(MariaDbExtension.class)
 * class OrdersIT {
 *     @Test
 *     void writes(MariaDbProcess db) throws SQLException {
 *         try (Connection c = DriverManager.getConnection(db.jdbcUrl("mysql"), "root", db.rootPassword())) { ... }
 *     }
 * }
 * }</pre>
 *
 * <p>To set server options, register an instance instead:
 * {@code @RegisterExtension static MariaDbExtension db = new MariaDbExtension(b -> b.option("key", "value"));}
 *
 * <p>The server starts before {@code @BeforeAll} and stops after the class, whether its tests pass or not. Nested
 * classes share the server of their enclosing class. If it cannot start, every test of the class fails with the
 * reason; no test is skipped.
 *
 * <p>With {@code -D}{@value #URL_PROPERTY}{@code =jdbc:mariadb://host:port} (and {@value #PASSWORD_PROPERTY} for
 * root's password, empty by default) the tests use that server instead; the injected object is
 * {@linkplain MariaDbProcess#isExternal() external}, so it cannot be stopped or restarted.
 */
public final class MariaDbExtension implements BeforeAllCallback, ParameterResolver {

    /** System property naming an external server to use instead of starting one. */
    public static final String URL_PROPERTY = "fluxdb.it.mariadb.url";
    /** System property holding root's password on the external server. */
    public static final String PASSWORD_PROPERTY = "fluxdb.it.mariadb.password";

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(MariaDbExtension.class);
    private static final String KEY = "server";
    private static final int DEFAULT_PORT = 3306;

    private final Consumer<MariaDbProcess.Builder> customizer;

    /** An extension that starts servers with the builder's defaults. */
    public MariaDbExtension() {
        this(builder -> { });
    }

    /** An extension that lets {@code customizer} configure each server before it starts. */
    public MariaDbExtension(Consumer<MariaDbProcess.Builder> customizer) {
        this.customizer = requireNonNull(customizer, "customizer is null");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == MariaDbProcess.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return server(extensionContext);
    }

    private MariaDbProcess server(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        // The store closes AutoCloseable values when the class's context closes, after @AfterAll and also when
        // tests failed. Lookups fall through to enclosing classes, so nested classes share the server.
        return classContext.getStore(NAMESPACE).computeIfAbsent(KEY, key -> create(), MariaDbProcess.class);
    }

    private MariaDbProcess create() {
        String url = System.getProperty(URL_PROPERTY);
        if (url != null && !url.isBlank()) {
            return external(url.trim(), System.getProperty(PASSWORD_PROPERTY, ""));
        }
        MariaDbProcess.Builder builder = MariaDbProcess.builder();
        customizer.accept(builder);
        return builder.start();
    }

    /** Parses {@code jdbc:mariadb://host[:port][/db][?params]} (or {@code jdbc:mysql:}) into an external server. */
    static MariaDbProcess external(String url, String password) {
        String text = url.startsWith("jdbc:") ? url.substring("jdbc:".length()) : url;
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(URL_PROPERTY + ": " + url + " (expected: jdbc:mariadb://host:port)", e);
        }
        if (uri.getHost() == null || !("mariadb".equals(uri.getScheme()) || "mysql".equals(uri.getScheme()))) {
            throw new IllegalArgumentException(URL_PROPERTY + ": " + url + " (expected: jdbc:mariadb://host:port)");
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return MariaDbProcess.external(host, uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort(), password);
    }
}

package io.fluxdb.server;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * The entry point of {@code fluxdb.jar}. Unlike the rest of the jar it is compiled for Java 8, so
 * that on an older Java than FluxDB needs, {@code java -jar fluxdb.jar} prints one line that says
 * which Java it needs instead of an {@code UnsupportedClassVersionError}. On Java 21 or newer it
 * hands over to {@code Main}, which it loads only then.
 */
public final class JavaVersionGate {
    /** The oldest Java that runs FluxDB. */
    static final int REQUIRED = 21;
    /** As for a node that cannot start. */
    static final int EXIT_TOO_OLD = 1;

    private JavaVersionGate() {
    }

    public static void main(String[] args) throws Throwable {
        int running = feature(System.getProperty("java.specification.version", ""));
        if (running < REQUIRED) {
            System.err.println("FluxDB needs Java " + REQUIRED + " or newer; this is Java " + running + " ("
                    + System.getProperty("java.home") + "). Run the fluxdb launcher next to fluxdb.jar, which"
                    + " finds one, or set JAVA_HOME to a Java " + REQUIRED + "+.");
            System.exit(EXIT_TOO_OLD);
        }
        Method main = Class.forName("io.fluxdb.server.Main").getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The feature release of a {@code java.specification.version}: 8 for "1.8", 17 for "17"; 0 if unreadable. */
    static int feature(String specificationVersion) {
        String version = specificationVersion.startsWith("1.") ? specificationVersion.substring(2) : specificationVersion;
        int end = 0;
        while (end < version.length() && Character.isDigit(version.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Integer.parseInt(version.substring(0, end));
    }
}

# Sourced by ./dev, ./mvnw and .ci/run (POSIX sh): exports JAVA_HOME pointing at a JDK 21 or newer, and sets
# FLUXDB_JAVA_MAJOR to its feature version.
# Order: $JAVA_HOME if it is new enough, the `java` on PATH, then any JDK under /usr/lib/jvm.

fluxdb_java_major() { # $1 = path to a java binary
    "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

fluxdb_find_jdk() {
    local candidate major
    for candidate in "${JAVA_HOME:-}" "$(dirname "$(dirname "$(readlink -f "$(command -v javac 2>/dev/null || echo /nonexistent)")")")" /usr/lib/jvm/*; do
        [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
        major=$(fluxdb_java_major "$candidate/bin/java")
        if [ -n "$major" ] && [ "$major" -ge 21 ]; then
            export JAVA_HOME="$candidate"
            FLUXDB_JAVA_MAJOR=$major
            # Java 24 and later warn at every start that Maven's own Guice uses sun.misc.Unsafe; allowed, silently
            # (the option exists from 23 on, where allowing is the default).
            if [ "$major" -ge 24 ]; then
                case "${MAVEN_OPTS:-}" in
                    *sun-misc-unsafe-memory-access*) ;;
                    *) export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow" ;;
                esac
            fi
            return 0
        fi
    done
    echo "FluxDB needs a JDK 21 or newer; none found (checked JAVA_HOME, PATH and /usr/lib/jvm)." >&2
    echo "Install one (e.g. Temurin 21+) and set JAVA_HOME to it." >&2
    return 1
}

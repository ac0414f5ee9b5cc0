package io.fluxdb.testkit;

import org.junit.jupiter.api.Test;

/**
 * A test class that {@link RequirementsTest} runs through the JUnit launcher; the build does not run it directly.
 */
final class RequirementsFixtures {
    static final String MISSING = "fluxdb-no-such-program";

    private RequirementsFixtures() {
    }

    static class NeedsAMissingProgram {
        @Test
        void needsIt() {
            Requirements.program(MISSING, "apt-get install -y fluxdb-no-such-package");
        }

        @Test
        void needsNothing() {
        }
    }
}

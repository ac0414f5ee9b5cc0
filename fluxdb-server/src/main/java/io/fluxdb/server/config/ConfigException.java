package io.fluxdb.server.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The configuration is invalid. Holds every problem found, one line each, so an operator
 * fixes them all in one round instead of one per restart.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join(System.lineSeparator(), requireNonNull(problems, "problems is null")));
        if (problems.isEmpty()) throw new IllegalArgumentException("problems is empty");
        this.problems = List.copyOf(problems);
    }

    /** One human-readable line per problem, naming the variable and the flag. */
    public List<String> problems() {
        return problems;
    }
}

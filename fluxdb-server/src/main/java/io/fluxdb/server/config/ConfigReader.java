package io.fluxdb.server.config;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads settings from a flag value or the environment and collects every problem instead of
 * stopping at the first. The environment is passed in, never read from the process, so tests
 * supply their own.
 *
 * <p>A blank value counts as unset, for flags and variables alike: the original read its
 * variables with {@code process.env.X || default}, and compose files often carry {@code X=}.
 */
public final class ConfigReader {
    private final Map<String, String> environment;
    private final List<String> problems = new ArrayList<>();

    public ConfigReader(Map<String, String> environment) {
        this.environment = Map.copyOf(requireNonNull(environment, "environment is null"));
    }

    /** The text of a setting and the name it came from. */
    public record Text(String value, String label) {
        public Text {
            requireNonNull(value, "value is null");
            requireNonNull(label, "label is null");
        }
    }

    /** The flag if given, else the first of the setting's variables that is set. */
    public Optional<Text> text(Setting setting, String flagValue) {
        requireNonNull(setting, "setting is null");
        if (flagValue != null && !flagValue.isBlank()) return Optional.of(new Text(flagValue, setting.label()));
        for (String variable : setting.variables()) {
            String value = environment.get(variable);
            if (value != null && !value.isBlank()) return Optional.of(new Text(value, variable + " / " + setting.flag()));
        }
        return Optional.empty();
    }

    /** Whether the flag or any of the setting's variables is set. */
    public boolean isSet(Setting setting, String flagValue) {
        return text(setting, flagValue).isPresent();
    }

    /**
     * The parsed value, empty when unset. When the text is invalid a problem is recorded and
     * the result is empty as well; {@link #throwIfProblems()} reports it later.
     */
    public <T> Optional<T> find(Setting setting, String flagValue, Function<String, T> parser) {
        requireNonNull(parser, "parser is null");
        Optional<Text> text = text(setting, flagValue);
        if (text.isEmpty()) return Optional.empty();
        try {
            return Optional.of(parser.apply(text.get().value()));
        } catch (IllegalArgumentException e) {
            problems.add(text.get().label() + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** The parsed value, or {@code defaultValue} when unset; {@code null} when invalid (a problem is recorded). */
    public <T> T get(Setting setting, String flagValue, Function<String, T> parser, T defaultValue) {
        if (!isSet(setting, flagValue)) return defaultValue;
        return find(setting, flagValue, parser).orElse(null);
    }

    /**
     * A comma-separated list; empty entries are skipped, and each invalid entry is its own
     * problem. {@code null} when any entry is invalid.
     */
    public <T> List<T> list(Setting setting, String flagValue, Function<String, T> parser, List<T> defaultValue) {
        requireNonNull(parser, "parser is null");
        Optional<Text> text = text(setting, flagValue);
        if (text.isEmpty()) return defaultValue;
        List<T> values = new ArrayList<>();
        boolean valid = true;
        for (String entry : text.get().value().split(",")) {
            if (entry.isBlank()) continue;
            try {
                values.add(parser.apply(entry.strip()));
            } catch (IllegalArgumentException e) {
                problems.add(text.get().label() + ": " + e.getMessage());
                valid = false;
            }
        }
        return valid ? List.copyOf(values) : null;
    }

    /** Records a problem that is not about one value's syntax (a missing or conflicting setting). */
    public void problem(Setting setting, String message) {
        requireNonNull(setting, "setting is null");
        requireNonNull(message, "message is null");
        problems.add(setting.label() + ": " + message);
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    public void throwIfProblems() {
        if (!problems.isEmpty()) throw new ConfigException(problems);
    }
}

package io.fluxdb.server.config;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/** The root log level; kept free of any logging backend's types. */
public enum LogLevel {
    TRACE,
    DEBUG,
    INFO,
    WARN,
    ERROR;

    public static LogLevel parse(String text) {
        requireNonNull(text, "text is null");
        String name = text.strip().toUpperCase(Locale.ROOT);
        if (name.equals("WARNING")) return WARN;
        for (LogLevel value : values()) {
            if (value.name().equals(name)) return value;
        }
        throw new IllegalArgumentException("'" + text + "' is not one of trace, debug, info, warn, error");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}

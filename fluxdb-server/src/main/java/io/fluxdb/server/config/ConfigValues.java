package io.fluxdb.server.config;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers from the text of a variable or flag to a typed value. Each throws
 * {@link IllegalArgumentException} with a message that quotes the input and says what was
 * expected; the caller prefixes the variable and flag name.
 */
public final class ConfigValues {
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg])?(i?b)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern APP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    private static final Pattern ENGINE_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    private static final Set<String> SYSTEM_SCHEMAS = Set.of("mysql", "information_schema", "performance_schema", "sys");

    private ConfigValues() {}

    /**
     * true/false, 1/0, yes/no, on/off, in any case. Anything else is an error: the original read
     * {@code AUTH_MASTER_ONLY} as a raw string, so "false" switched the feature on.
     */
    public static boolean parseBoolean(String text) {
        requireNonNull(text, "text is null");
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException(
                    "'" + text + "' is not a boolean (use true or false; 1/0, yes/no and on/off also work)");
        };
    }

    /** A decimal integer in {@code [min, max]}. */
    public static int parseInt(String text, int min, int max) {
        requireNonNull(text, "text is null");
        String s = text.strip();
        int value;
        try {
            value = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(value + " is out of range (expected " + min + " to " + max + ")");
        }
        return value;
    }

    /** A TCP port to connect to or advertise: 1-65535. */
    public static int parsePort(String text) {
        requireNonNull(text, "text is null");
        return parsePortNumber(text)
                .orElseThrow(() -> new IllegalArgumentException("'" + text + "' is not a port (expected 1 to 65535)"));
    }

    /** A TCP port to listen on: 1-65535, or 0 for any free port. */
    public static int parseListenPort(String text) {
        requireNonNull(text, "text is null");
        if (text.strip().equals("0")) return 0;
        return parsePortNumber(text).orElseThrow(() ->
                new IllegalArgumentException("'" + text + "' is not a port (expected 1 to 65535, or 0 for any free port)"));
    }

    static OptionalInt parsePortNumber(String text) {
        String s = text.strip();
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) return OptionalInt.empty();
        int port = Integer.parseInt(s);
        return port >= 1 && port <= 65535 ? OptionalInt.of(port) : OptionalInt.empty();
    }

    /**
     * A positive duration such as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 8h}, {@code 1d},
     * or a sequence like {@code 1h30m}; ISO-8601 ({@code PT8H}) also works. A bare number is
     * refused: seconds or milliseconds is a guess that is wrong half the time.
     */
    public static Duration parseDuration(String text) {
        requireNonNull(text, "text is null");
        String s = text.strip();
        if (s.length() > 1 && (s.charAt(0) == 'P' || s.charAt(0) == 'p')) {
            try {
                return positive(text, Duration.parse(s.toUpperCase(Locale.ROOT)));
            } catch (DateTimeParseException e) {
                throw notADuration(text);
            }
        }
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("'" + text + "' has no unit (use ms, s, m, h or d, e.g. 30s or 8h)");
        }
        Matcher m = DURATION_PART.matcher(s);
        Duration total = Duration.ZERO;
        int end = 0;
        try {
            while (m.find() && m.start() == end) {
                long amount = Long.parseLong(m.group(1));
                Duration part = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
                total = total.plus(part);
                end = m.end();
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
        if (end == 0 || end != s.length()) throw notADuration(text);
        return positive(text, total);
    }

    private static Duration positive(String text, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("'" + text + "' is not a positive duration");
        }
        return value;
    }

    private static IllegalArgumentException notADuration(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration (e.g. 500ms, 30s, 8h or 1h30m)");
    }

    /**
     * A size in bytes: a number, optionally with {@code k}, {@code M} or {@code G} (powers of
     * 1024, as MySQL's {@code max_allowed_packet} reads them) and an optional {@code B}/{@code iB}.
     */
    public static long parseByteSize(String text) {
        requireNonNull(text, "text is null");
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (e.g. 16M, 1G or a number of bytes)");
        }
        int shift = m.group(2) == null ? 0 : switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            default -> 30;
        };
        try {
            long number = Long.parseLong(m.group(1));
            if (number > (Long.MAX_VALUE >> shift)) throw new NumberFormatException();
            return number << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large a size");
        }
    }

    /** An http or https base URL without query or fragment; a trailing '/' is dropped. */
    public static URI parseHttpUrl(String text) {
        requireNonNull(text, "text is null");
        String s = text.strip();
        IllegalArgumentException invalid = new IllegalArgumentException("'" + text + "' is not an http(s) URL");
        URI uri;
        try {
            uri = new URI(s);
        } catch (URISyntaxException e) {
            throw invalid;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw invalid;
        }
        while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        return URI.create(s);
    }

    /**
     * A database name that is a valid unquoted MySQL identifier (letters, digits, '_', '$' and
     * U+0080-U+FFFF; at most 64 characters; not only digits), so it works in every statement
     * and tool without quoting. The system schemas are refused: the operator drops and
     * restores this database as a whole.
     */
    public static String parseDatabaseName(String text) {
        requireNonNull(text, "text is null");
        String s = text.strip();
        boolean valid = !s.isEmpty() && s.length() <= 64
                && s.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 0x80 || c == '_' || c == '$' || c >= 0x80 && c <= 0xFFFF)
                && !s.chars().allMatch(Character::isDigit);
        if (!valid) {
            throw new IllegalArgumentException("'" + text + "' is not a database name (letters, digits, _ and $;"
                    + " at most 64 characters; not only digits)");
        }
        if (SYSTEM_SCHEMAS.contains(s.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("'" + s + "' is a system schema; choose a database of your own");
        }
        return s;
    }

    /** A Flux app name; it becomes part of FluxOS API paths, so only URL-safe characters. */
    public static String parseAppName(String text) {
        requireNonNull(text, "text is null");
        String s = text.strip();
        if (!APP_NAME.matcher(s).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an app name (letters, digits, '-' and '_';"
                    + " at most 64 characters)");
        }
        return s;
    }

    /** An engine name as registered by an {@code EngineFactory}: lower case. */
    public static String parseEngineName(String text) {
        requireNonNull(text, "text is null");
        String s = text.strip().toLowerCase(Locale.ROOT);
        if (!ENGINE_NAME.matcher(s).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an engine name (e.g. mysql)");
        }
        return s;
    }

    /** A MySQL account name: non-empty, printable, at most 80 characters (MariaDB's limit). */
    public static String parseUserName(String text) {
        requireNonNull(text, "text is null");
        String s = text.strip();
        if (s.isEmpty() || s.length() > 80 || s.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("'" + text + "' is not a user name (1 to 80 printable characters)");
        }
        return s;
    }

    /** An IP literal to bind to; a host name is refused because binding must not wait for DNS. */
    public static InetAddress parseBindAddress(String text) {
        requireNonNull(text, "text is null");
        return IpAddresses.parse(text).orElseThrow(() ->
                new IllegalArgumentException("'" + text + "' is not an IP address (e.g. 0.0.0.0, 127.0.0.1 or ::)"));
    }

    /** A host name or IP address without a port, as peers reach a node ({@code ADVERTISE_ADDRESS}). */
    public static String parseHost(String text) {
        requireNonNull(text, "text is null");
        String s = text.strip();
        if (s.isEmpty() || s.length() > 253 || !s.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 0x80
                || c == '.' || c == '-' || c == ':')) {
            throw new IllegalArgumentException("'" + text + "' is not a host name or IP address (e.g. 203.0.113.7)");
        }
        if (s.indexOf(':') >= 0 && IpAddresses.parse(s).isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' is a host with a port or a bad IPv6 address; give the"
                    + " address alone");
        }
        return s;
    }

    /**
     * {@code name} or {@code name:port} ({@code PEERS_DNS}): a DNS name whose A records are nodes, each reached on
     * the port ({@code defaultPort} when none is given). An IP address is refused: it lists one node, for good.
     */
    public static HostPort parseDnsName(String text, int defaultPort) {
        HostPort parsed = HostPort.parse(text, defaultPort);
        if (IpAddresses.parse(parsed.host()).isPresent()) {
            throw new IllegalArgumentException("'" + text.strip() + "' is an IP address, not a DNS name; list fixed"
                    + " addresses in PEERS");
        }
        return parsed;
    }
}

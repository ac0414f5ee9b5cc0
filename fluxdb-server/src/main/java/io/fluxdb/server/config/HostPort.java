package io.fluxdb.server.config;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * A host name or IP literal and a port, such as the engine ({@code DB_COMPONENT_NAME}) or a
 * peer's internal API ({@code PEERS}). The host is kept without brackets and is not resolved:
 * on Flux the engine's name only resolves once its container runs.
 */
public record HostPort(String host, int port) {
    /**
     * RFC 1123 labels, plus '_': Docker and Flux name components {@code flux<component>_<app>}
     * and those names resolve inside the app's network.
     */
    private static final Pattern HOST_NAME =
            Pattern.compile("(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?");
    private static final Pattern DOTTED_NUMBERS = Pattern.compile("[0-9.]+");

    public HostPort {
        requireNonNull(host, "host is null");
        if (host.isBlank()) throw new IllegalArgumentException("host is empty");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
    }

    /**
     * Parses {@code host}, {@code host:port}, {@code [ipv6]} or {@code [ipv6]:port}. An IPv6
     * literal needs brackets, because in {@code ::1:3306} nobody can tell where the address ends.
     */
    public static HostPort parse(String text, int defaultPort) {
        requireNonNull(text, "text is null");
        String s = text.strip();
        String host;
        String portText;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) throw new IllegalArgumentException("'" + s + "' has '[' without a matching ']'");
            host = s.substring(1, close);
            if (IpAddresses.parse(host).filter(IpAddresses::isIpv6).isEmpty()) {
                throw new IllegalArgumentException("'" + s + "': '" + host + "' is not an IPv6 address");
            }
            String rest = s.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw new IllegalArgumentException("'" + s + "' is not host or host:port");
            }
            portText = rest.isEmpty() ? null : rest.substring(1);
        } else {
            int colon = s.indexOf(':');
            if (colon >= 0 && s.indexOf(':', colon + 1) >= 0) {
                throw new IllegalArgumentException("'" + s + "': write an IPv6 address in brackets, e.g. [::1]:" + defaultPort);
            }
            host = colon < 0 ? s : s.substring(0, colon);
            portText = colon < 0 ? null : s.substring(colon + 1);
            if (DOTTED_NUMBERS.matcher(host).matches() && IpAddresses.parse(host).isEmpty()) {
                throw new IllegalArgumentException("'" + s + "': '" + host + "' is not an IPv4 address");
            }
            if (!HOST_NAME.matcher(host).matches()) {
                throw new IllegalArgumentException("'" + s + "': '" + host + "' is not a host name or IP address");
            }
        }
        int port = defaultPort;
        if (portText != null) {
            port = ConfigValues.parsePortNumber(portText)
                    .orElseThrow(() -> new IllegalArgumentException("'" + s + "': '" + portText + "' is not a port (1-65535)"));
        }
        return new HostPort(host, port);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}

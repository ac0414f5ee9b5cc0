package io.fluxdb.engine.mysql.account;

import static java.util.Objects.requireNonNull;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The host part of a MySQL account ({@code 'user'@'host'}), matched against a client's address the
 * way the server does it. The engine only ever sees the operator's own address, so the operator
 * must apply the account's host rule to the real client itself.
 *
 * <p>Supported forms: a literal IP, {@code localhost} (any loopback client), a literal host name
 * (matched against the client's reverse name only when one is supplied), {@code %} and {@code _}
 * wildcards, and {@code ip/netmask} for IPv4. Ordering follows the server: literal hosts before
 * patterns, {@code %} last.
 *
 * @see <a href="https://mariadb.com/kb/en/create-user/#host-name-component">Host name component</a>
 */
public record HostPattern(String text) implements Comparable<HostPattern> {
    public HostPattern {
        requireNonNull(text, "text is null");
    }

    /** True if a client at {@code address} (with optional resolved {@code hostName}) is covered. */
    public boolean matches(InetAddress address, String hostName) {
        requireNonNull(address, "address is null");
        String host = text.toLowerCase(Locale.ROOT);
        if (host.equals("localhost")) {
            return address.isLoopbackAddress();
        }
        int slash = host.indexOf('/');
        if (slash > 0) {
            return matchesNetmask(host.substring(0, slash), host.substring(slash + 1), address);
        }
        String ip = address.getHostAddress();
        if (isWildcard(host)) {
            Pattern regex = toRegex(host);
            return regex.matcher(ip).matches()
                    || (hostName != null && regex.matcher(hostName.toLowerCase(Locale.ROOT)).matches());
        }
        if (host.equals(ip) || sameAddress(host, address)) {
            return true;
        }
        return hostName != null && host.equals(hostName.toLowerCase(Locale.ROOT));
    }

    /** How specific the pattern is: 0 for literal hosts, 1 for netmasks, 2 for wildcards, 3 for {@code %} or empty. */
    int specificityRank() {
        if (text.isEmpty() || text.equals("%")) {
            return 3;
        }
        if (isWildcard(text)) {
            return 2;
        }
        return text.indexOf('/') > 0 ? 1 : 0;
    }

    @Override
    public int compareTo(HostPattern other) {
        int byRank = Integer.compare(specificityRank(), other.specificityRank());
        if (byRank != 0) {
            return byRank;
        }
        // Among wildcard patterns, the one with more literal characters before the first wildcard is more specific.
        return Integer.compare(literalPrefix(other.text), literalPrefix(text));
    }

    private static int literalPrefix(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) != '%' && s.charAt(i) != '_') {
            i++;
        }
        return i;
    }

    private static boolean isWildcard(String host) {
        return host.isEmpty() || host.indexOf('%') >= 0 || host.indexOf('_') >= 0;
    }

    private static Pattern toRegex(String host) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            switch (c) {
                case '%' -> regex.append(".*");
                case '_' -> regex.append('.');
                case '\\' -> {
                    if (i + 1 < host.length()) {
                        regex.append(Pattern.quote(String.valueOf(host.charAt(++i))));
                    }
                }
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(host.isEmpty() ? ".*" : regex.toString());
    }

    private static boolean matchesNetmask(String ipText, String maskText, InetAddress address) {
        if (!(address instanceof Inet4Address)) {
            return false;
        }
        Integer ip = ipv4(ipText);
        Integer mask = ipv4(maskText);
        if (ip == null || mask == null) {
            return false;
        }
        int client = ipv4Bits(address.getAddress());
        return (client & mask) == ip;
    }

    private static boolean sameAddress(String literal, InetAddress address) {
        if (!(literal.indexOf(':') >= 0 || literal.chars().allMatch(c -> Character.isDigit(c) || c == '.'))) {
            return false; // a host name: never resolved here, to keep authentication free of DNS
        }
        try {
            return InetAddress.getByName(literal).equals(address);
        } catch (UnknownHostException e) {
            return false; // not a valid literal: it cannot match any client
        }
    }

    private static Integer ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        int bits = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
                return null;
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                return null;
            }
            bits = (bits << 8) | octet;
        }
        return bits;
    }

    private static int ipv4Bits(byte[] b) {
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }
}

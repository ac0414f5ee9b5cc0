package io.fluxdb.server.config;

import static java.util.Objects.requireNonNull;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * IP address literals, parsed without ever touching DNS.
 *
 * <p>{@link InetAddress#getByName} alone is not safe for configuration: it resolves anything
 * that is not a literal as a host name, and it accepts legacy IPv4 forms such as
 * {@code 10.1} or octal {@code 010.0.0.1} that an operator almost never means.
 */
public final class IpAddresses {
    private IpAddresses() {}

    /** The address, or empty when {@code text} is not a strict IPv4 or IPv6 literal. */
    public static Optional<InetAddress> parse(String text) {
        requireNonNull(text, "text is null");
        String s = text.strip();
        if (s.startsWith("[") && s.endsWith("]")) s = s.substring(1, s.length() - 1);
        if (s.indexOf(':') >= 0) return parseIpv6(s);
        return parseIpv4(s).map(IpAddresses::ipv4);
    }

    /** The four bytes of a dotted-quad literal: each part 0-255, decimal, no leading zeros. */
    static Optional<byte[]> parseIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) return Optional.empty();
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Optional.empty();
            }
            if (part.length() > 1 && part.charAt(0) == '0') return Optional.empty();
            int value = Integer.parseInt(part);
            if (value > 255) return Optional.empty();
            bytes[i] = (byte) value;
        }
        return Optional.of(bytes);
    }

    private static Optional<InetAddress> parseIpv6(String s) {
        // Only hex digits, colons and dots (an embedded IPv4 tail); no zone ids. In brackets,
        // getByName treats the text as an IPv6 literal and fails instead of resolving it.
        if (s.isEmpty() || !s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            return Optional.empty();
        }
        try {
            return Optional.of(normalize(InetAddress.getByName("[" + s + "]")));
        } catch (UnknownHostException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** An IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) as the IPv4 address it carries. */
    public static InetAddress normalize(InetAddress address) {
        requireNonNull(address, "address is null");
        if (address instanceof Inet6Address) {
            byte[] b = address.getAddress();
            boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) mapped = b[i] == 0;
            if (mapped) return ipv4(Arrays.copyOfRange(b, 12, 16));
        }
        return address;
    }

    static boolean isIpv6(InetAddress address) {
        return !(address instanceof Inet4Address);
    }

    private static InetAddress ipv4(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError("four bytes are always an IPv4 address", e);
        }
    }
}

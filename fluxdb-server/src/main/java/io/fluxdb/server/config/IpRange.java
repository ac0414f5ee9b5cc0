package io.fluxdb.server.config;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network in CIDR notation; a single address is a /32 or /128 range.
 *
 * <p>Host bits below the prefix must be zero. {@code 192.168.1.5/24} is rejected rather than
 * widened to {@code 192.168.1.0/24}: in an allow-list the two readings grant very different
 * access, and the operator should say which one is meant.
 */
public record IpRange(InetAddress network, int prefixLength) {
    public IpRange {
        requireNonNull(network, "network is null");
        network = IpAddresses.normalize(network);
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is out of range for "
                    + family(network) + " (0-" + bits + ")");
        }
        byte[] masked = mask(network.getAddress(), prefixLength);
        if (!Arrays.equals(masked, network.getAddress())) {
            throw new IllegalArgumentException(network.getHostAddress() + "/" + prefixLength
                    + " has host bits set (did you mean " + address(masked).getHostAddress() + "/" + prefixLength + "?)");
        }
    }

    /** Parses {@code a.b.c.d}, {@code a.b.c.d/n}, an IPv6 literal, or an IPv6 literal with {@code /n}. */
    public static IpRange parse(String text) {
        requireNonNull(text, "text is null");
        String s = text.strip();
        int slash = s.indexOf('/');
        String addressText = slash < 0 ? s : s.substring(0, slash);
        InetAddress address = IpAddresses.parse(addressText)
                .orElseThrow(() -> new IllegalArgumentException("'" + s + "' is not an IP address or CIDR range"));
        if (slash < 0) return new IpRange(address, address.getAddress().length * 8);
        String prefix = s.substring(slash + 1);
        if (prefix.isEmpty() || prefix.length() > 3 || !prefix.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("'" + s + "' is not an IP address or CIDR range");
        }
        try {
            return new IpRange(address, Integer.parseInt(prefix));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + s + "': " + e.getMessage(), e);
        }
    }

    /** Whether {@code address} is in this range; IPv4-mapped IPv6 addresses count as IPv4. */
    public boolean contains(InetAddress address) {
        requireNonNull(address, "address is null");
        byte[] candidate = IpAddresses.normalize(address).getAddress();
        if (candidate.length != network.getAddress().length) return false;
        return Arrays.equals(mask(candidate, prefixLength), network.getAddress());
    }

    private static byte[] mask(byte[] bytes, int prefixLength) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefixLength - i * 8));
            out[i] = (byte) (out[i] & (0xff << (8 - keep)));
        }
        return out;
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are always an address", e);
        }
    }

    private static String family(InetAddress address) {
        return IpAddresses.isIpv6(address) ? "IPv6" : "IPv4";
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }
}

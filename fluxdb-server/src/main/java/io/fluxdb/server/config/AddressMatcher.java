package io.fluxdb.server.config;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** An allow-list of IP ranges, as given by {@code WHITELIST}. */
public record AddressMatcher(List<IpRange> ranges) {
    public AddressMatcher {
        ranges = List.copyOf(requireNonNull(ranges, "ranges is null"));
    }

    /** Parses a comma-separated list; empty entries are skipped, any invalid entry fails. */
    public static AddressMatcher parse(String text) {
        requireNonNull(text, "text is null");
        List<IpRange> ranges = new ArrayList<>();
        for (String entry : text.split(",")) {
            if (!entry.isBlank()) ranges.add(IpRange.parse(entry));
        }
        return new AddressMatcher(ranges);
    }

    public boolean contains(InetAddress address) {
        requireNonNull(address, "address is null");
        for (IpRange range : ranges) {
            if (range.contains(address)) return true;
        }
        return false;
    }

    @Override
    public String toString() {
        return ranges.stream().map(IpRange::toString).collect(Collectors.joining(","));
    }
}

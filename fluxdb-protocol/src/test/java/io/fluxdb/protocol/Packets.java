package io.fluxdb.protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Splits a fixture of whole packets (3-byte length, sequence id, payload) into payloads. */
public final class Packets {
    private Packets() {}

    /** The payloads of the fixture's packets, in order. */
    public static List<byte[]> payloads(String fixture) {
        return payloads(Fixtures.DEFAULT_SERVER, fixture);
    }

    /** The payloads of the packets of a fixture captured from {@code server}, in order. */
    public static List<byte[]> payloads(String server, String fixture) {
        byte[] bytes = Fixtures.bytes(server, fixture);
        List<byte[]> payloads = new ArrayList<>();
        int i = 0;
        while (i < bytes.length) {
            int length = (bytes[i] & 0xFF) | (bytes[i + 1] & 0xFF) << 8 | (bytes[i + 2] & 0xFF) << 16;
            payloads.add(Arrays.copyOfRange(bytes, i + 4, i + 4 + length));
            i += 4 + length;
        }
        if (i != bytes.length) {
            throw new IllegalStateException(fixture + ": last packet truncated");
        }
        return payloads;
    }

    /** The payload of a fixture that holds exactly one packet. */
    public static byte[] single(String fixture) {
        List<byte[]> payloads = payloads(fixture);
        if (payloads.size() != 1) {
            throw new IllegalStateException(fixture + ": " + payloads.size() + " packets (expected: 1)");
        }
        return payloads.get(0);
    }
}

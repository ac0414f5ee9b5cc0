package io.fluxdb.discovery.json;

/**
 * One entry of {@code GET /apps/location/{app}}: a running instance of the app.
 *
 * @param ip {@code 1.2.3.4}, or {@code 1.2.3.4:16187} on a Flux node behind UPnP, where the port is that node's
 *     FluxOS port, not the app's
 * @param name the app
 * @param staticIp whether the Flux node has a static IP; may be absent
 * @param osUptime the Flux node's OS uptime in seconds; may be absent
 */
public record AppLocation(String ip, String name, Boolean staticIp, Double osUptime) {

    /** The address part of {@link #ip()}: what the original used, and where the app's ports are reached. */
    public String host() {
        if (ip == null) return null;
        String trimmed = ip.strip();
        if (trimmed.startsWith("[")) {
            int end = trimmed.indexOf(']');
            return end < 0 ? trimmed : trimmed.substring(1, end);
        }
        int colon = trimmed.indexOf(':');
        // a single colon separates the FluxOS port; more than one means a bare IPv6 address
        return colon >= 0 && colon == trimmed.lastIndexOf(':') ? trimmed.substring(0, colon) : trimmed;
    }
}

package io.fluxdb.protocol.client;

/** Whether the connector upgrades the connection to TLS. */
public enum TlsMode {
    /** Never: CLIENT_SSL is not requested. */
    DISABLED,
    /** When the server offers CLIENT_SSL; plain otherwise. */
    PREFERRED,
    /** Always: the handshake fails if the server does not offer CLIENT_SSL. */
    REQUIRED
}

package io.fluxdb.replication.security;

import static java.util.Objects.requireNonNull;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Offers the node's one certificate on every handshake, whatever issuers the other side asks for. A node of another
 * cluster thus still shows its certificate and is refused for it (logged with its name), rather than showing none.
 */
final class NodeKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "node";
    private static final String KEY_TYPE = "EC";

    private final NodeIdentity identity;

    NodeKeyManager(NodeIdentity identity) {
        this.identity = requireNonNull(identity, "identity is null");
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return new String[] {ALIAS};
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return clientAlias(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return clientAlias(keyTypes);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return new String[] {ALIAS};
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return KEY_TYPE.equals(keyType) ? ALIAS : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return KEY_TYPE.equals(keyType) ? ALIAS : null;
    }

    private static String clientAlias(String[] keyTypes) {
        for (String keyType : keyTypes) {
            if (KEY_TYPE.equals(keyType)) {
                return ALIAS;
            }
        }
        return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? new X509Certificate[] {identity.certificate(), identity.ca()} : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? identity.privateKey() : null;
    }
}

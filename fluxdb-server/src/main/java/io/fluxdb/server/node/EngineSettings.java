package io.fluxdb.server.node;

import io.fluxdb.server.config.NodeConfig;
import io.fluxdb.server.config.ProxyConfig;
import io.fluxdb.replication.security.SecretDerivation;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the validated node configuration into what the engine SPI takes: the engine's connection
 * settings and the front end's named options (the names the MySQL front end documents).
 */
final class EngineSettings {
    private EngineSettings() {}

    static io.fluxdb.engine.spi.EngineConfig engineConfig(NodeConfig config, boolean managed) {
        var engine = config.engine();
        return new io.fluxdb.engine.spi.EngineConfig(
                engine.endpoint().host(),
                engine.endpoint().port(),
                engine.user(),
                engine.password().value(),
                engine.initDatabase().isEmpty() ? Optional.empty() : Optional.of(engine.initDatabase()),
                managed ? Optional.of(config.dataDir().resolve("engine").toAbsolutePath()) : Optional.empty(),
                Map.of());
    }

    static Map<String, String> frontEndOptions(NodeConfig config) {
        ProxyConfig proxy = config.proxy();
        Map<String, String> options = new LinkedHashMap<>();
        options.put("max-connections", Integer.toString(proxy.maxConnections()));
        options.put("idle-timeout", proxy.idleTimeout().toString());
        options.put("max-packet-size", Long.toString(proxy.maxPacketBytes()));
        options.put("local-infile", Boolean.toString(proxy.localInfile()));
        options.put("connect-timeout", proxy.connectTimeout().toString());
        options.put("io-threads", Integer.toString(proxy.ioThreads()));
        options.put("max-logins-per-address", Integer.toString(proxy.frontDoor().maxLoginsPerAddress()));
        options.put("login-packet-size", Long.toString(proxy.frontDoor().loginPacketBytes()));
        options.put("packet-timeout", proxy.frontDoor().packetTimeout().toString());
        options.put("engine-connections", Integer.toString(proxy.frontDoor().engineConnections()));
        options.put("engine-tls", proxy.frontDoor().engineTls().text());
        proxy.frontDoor().engineTlsCa().ifPresent(ca -> options.put("engine-tls-ca", ca.toString()));
        options.put("tls-dir", config.dataDir().resolve("tls").toString());
        options.put("consistency", config.cluster().consistency().toString());
        config.cluster().secret().filter(secret -> !secret.isEmpty()).ifPresent(secret -> options.put("forward-key",
                java.util.HexFormat.of().formatHex(SecretDerivation.forwardingKey(secret.value()))));
        if (config.engine().selectInitDatabase()) {
            options.put("default-database", config.engine().initDatabase());
        }
        proxy.tls().ifPresent(tls -> {
            options.put("tls-cert", tls.certificate().toString());
            options.put("tls-key", tls.privateKey().toString());
        });
        return options;
    }
}

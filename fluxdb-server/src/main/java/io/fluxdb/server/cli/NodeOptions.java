package io.fluxdb.server.cli;

import static io.fluxdb.server.config.Setting.*;
import static java.util.Objects.requireNonNull;

import io.fluxdb.server.config.AccessConfig;
import io.fluxdb.server.config.AddressMatcher;
import io.fluxdb.server.config.ClusterConfig;
import io.fluxdb.server.config.ConfigReader;
import io.fluxdb.server.config.ConfigValues;
import io.fluxdb.server.config.Consistency;
import io.fluxdb.server.config.EngineConfig;
import io.fluxdb.server.config.HostPort;
import io.fluxdb.server.config.IpRange;
import io.fluxdb.server.config.ListenConfig;
import io.fluxdb.server.config.LogLevel;
import io.fluxdb.server.config.NodeConfig;
import io.fluxdb.server.config.FrontDoorConfig;
import io.fluxdb.server.config.ProxyConfig;
import io.fluxdb.server.config.Secret;
import io.fluxdb.server.config.Setting;
import io.fluxdb.server.config.TlsConfig;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import picocli.CommandLine.Option;

/**
 * The options of {@code fluxdb run}. Every option is kept as text and converted together with
 * the environment in {@link #toNodeConfig}, so a bad flag and a bad variable are reported the
 * same way, and all at once.
 */
final class NodeOptions {
    @Option(names = "--db-host", paramLabel = "HOST[:PORT]",
            description = "The engine: host or host:port, IPv6 in brackets (env DB_COMPONENT_NAME; default localhost:3306).")
    String dbHost;

    @Option(names = "--db-user", paramLabel = "USER", description = "Engine account the operator uses (env DB_USER; default root).")
    String dbUser;

    @Option(names = "--db-password", paramLabel = "PASSWORD",
            description = "That account's password (env DB_INIT_PASS; default empty). Prefer the variable: flags show in ps.")
    String dbPassword;

    @Option(names = "--init-db", paramLabel = "NAME", description = "User database created at first start (env INIT_DB_NAME; default test_db).")
    String initDb;

    @Option(names = "--select-init-db", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
            description = "Select the --init-db database for clients that name none (env SELECT_INIT_DB; default true).")
    String selectInitDb;

    @Option(names = "--engine-wait", paramLabel = "DURATION",
            description = "How long to wait at start for the engine to accept connections, e.g. 30s, 10m; 0 tries once"
                    + " (env ENGINE_WAIT; default 5m).")
    String engineWait;

    @Option(names = "--port", paramLabel = "PORT", description = "MySQL port for applications (env EXT_DB_PORT; default 3307).")
    String port;

    @Option(names = "--bind-address", paramLabel = "IP", description = "Address every listener binds (env BIND_ADDRESS; default 0.0.0.0).")
    String bindAddress;

    @Option(names = "--api-port", paramLabel = "PORT",
            description = "Internal API port as peers reach it (env API_PORT; default: the internal API listen port).")
    String apiPort;

    @Option(names = "--api-listen-port", paramLabel = "PORT", description = "Internal API listen port (env API_LISTEN_PORT; default 7071).")
    String apiListenPort;

    @Option(names = "--raft-port", paramLabel = "PORT", description = "Raft port (env RAFT_PORT; default 7072).")
    String raftPort;

    @Option(names = "--ui-port", paramLabel = "PORT", description = "Web UI and management API port (env UI_PORT; default 8008).")
    String uiPort;

    @Option(names = "--app-name", paramLabel = "APP", description = "Flux app of this cluster, for discovery (env DB_APPNAME).")
    String appName;

    @Option(names = "--client-app-name", paramLabel = "APP", description = "Flux app whose instances may connect (env CLIENT_APPNAME).")
    String clientAppName;

    @Option(names = "--whitelist", paramLabel = "IP[/BITS],...",
            description = "IPs and CIDR ranges always allowed to connect (env WHITELIST; default " + AccessConfig.DEFAULT_WHITELIST + ").")
    String whitelist;

    @Option(names = "--auth-master-only", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
            description = "Only the leader accepts clients outside the whitelist (env AUTH_MASTER_ONLY; default false).")
    String authMasterOnly;

    @Option(names = "--peers", paramLabel = "HOST:PORT,...",
            description = "Other nodes' internal API addresses, for a cluster outside Flux (env PEERS).")
    String peers;

    @Option(names = "--peers-dns", paramLabel = "NAME[:PORT]",
            description = "A DNS name whose A records are the cluster's nodes, each with its internal API on PORT (default"
                    + " 7071), for a cluster outside Flux; needs --bootstrap-expect (env PEERS_DNS).")
    String peersDns;

    @Option(names = "--fluxos-api", paramLabel = "URL", description = "FluxOS API base URL (env FLUXOS_API; default https://api.runonflux.io).")
    String fluxosApi;

    @Option(names = "--cluster-secret", paramLabel = "SECRET",
            description = "Shared secret of the cluster's nodes, at least 16 characters; required with more than one node"
                    + " (env CLUSTER_SECRET). Prefer the variable: flags show in ps.")
    String clusterSecret;

    @Option(names = "--consistency", paramLabel = "MODE", description = "Read consistency: session, eventual or strong (env CONSISTENCY; default session).")
    String consistency;

    @Option(names = "--bootstrap-expect", paramLabel = "N",
            description = "Nodes that must be present before a new cluster forms (env BOOTSTRAP_EXPECT; default: 1 + the"
                    + " number of PEERS; on Flux the app's instances; required with --peers-dns).")
    String bootstrapExpect;

    @Option(names = "--advertise-address", paramLabel = "HOST",
            description = "Address peers reach this node at (env ADVERTISE_ADDRESS; default: learned from a peer, or"
                    + " BIND_ADDRESS outside Flux).")
    String advertiseAddress;

    @Option(names = "--member-remove-after", paramLabel = "DURATION",
            description = "How long a member may be missing from discovery before the leader removes it"
                    + " (env MEMBER_REMOVE_AFTER; default 5m).")
    String memberRemoveAfter;

    @Option(names = "--election-timeout", paramLabel = "DURATION",
            description = "How long a follower hears nothing from the leader before it starts an election; each waits"
                    + " between this and twice this (env ELECTION_TIMEOUT; default 1s; 100ms to 1m).")
    String electionTimeout;

    @Option(names = "--flow-control-lag", paramLabel = "ENTRIES",
            description = "How many log entries a follower may be behind before the leader's new writes wait for it"
                    + " (env FLOW_CONTROL_LAG; default 250; 0 turns flow control off).")
    String flowControlLag;

    @Option(names = "--flow-control-wait", paramLabel = "DURATION",
            description = "The longest one write waits for followers to catch up (env FLOW_CONTROL_WAIT; default 1s;"
                    + " 10ms to 1m).")
    String flowControlWait;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Operator state directory (env FLUXDB_DATA_DIR; default ./fluxdb-data).")
    String dataDir;

    @Option(names = "--engine", paramLabel = "NAME", description = "Engine type (env ENGINE, then DB_TYPE; default mysql).")
    String engine;

    @Option(names = "--max-connections", paramLabel = "N", description = "Client connections open at once (env MAX_CONNECTIONS; default 1000).")
    String maxConnections;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", description = "Close idle client connections after this, e.g. 30s, 8h (env IDLE_TIMEOUT; default 8h).")
    String idleTimeout;

    @Option(names = "--max-packet-size", paramLabel = "SIZE", description = "Largest client command, e.g. 16M, 1G (env MAX_PACKET_SIZE; default 64M).")
    String maxPacketSize;

    @Option(names = "--local-infile", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
            description = "Allow LOAD DATA LOCAL INFILE (env LOCAL_INFILE; default false).")
    String localInfile;

    @Option(names = "--connect-timeout", paramLabel = "DURATION",
            description = "A client must finish its handshake and login within this, e.g. 10s (env CONNECT_TIMEOUT; default 10s).")
    String connectTimeout;

    @Option(names = "--io-threads", paramLabel = "N",
            description = "Event-loop threads for client and engine sockets; 0 = one per CPU (env IO_THREADS; default 0).")
    String ioThreads;

    @Option(names = "--max-logins-per-address", paramLabel = "N",
            description = "Connections from one client address still logging in at once (env MAX_LOGINS_PER_ADDRESS; default 64).")
    String maxLoginsPerAddress;

    @Option(names = "--login-packet-size", paramLabel = "SIZE",
            description = "Largest packet accepted before login, e.g. 16k (env LOGIN_PACKET_SIZE; default 16k).")
    String loginPacketSize;

    @Option(names = "--packet-timeout", paramLabel = "DURATION",
            description = "After login, a packet started and stalled this long ends the session (env PACKET_TIMEOUT; default 10s).")
    String packetTimeout;

    @Option(names = "--engine-connections", paramLabel = "N",
            description = "Most connections to the engine; 0 = its max_connections less a reserve (env ENGINE_CONNECTIONS; default 0).")
    String engineConnections;

    @Option(names = "--engine-tls", paramLabel = "MODE",
            description = "TLS to the engine: auto (for accounts that require TLS), on or off (env ENGINE_TLS; default auto).")
    String engineTls;

    @Option(names = "--engine-tls-ca", paramLabel = "FILE",
            description = "PEM certificates that verify the engine's certificate (env ENGINE_TLS_CA; default: not verified).")
    String engineTlsCa;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain for the client port (env TLS_CERT; needs --tls-key).")
    String tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key of --tls-cert (env TLS_KEY).")
    String tlsKey;

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "trace, debug, info, warn or error (env LOG_LEVEL; default info).")
    String logLevel;

    /**
     * The one place where flags and environment become configuration: a flag wins over its
     * variables, and every problem is collected before any is reported.
     *
     * @throws io.fluxdb.server.config.ConfigException listing every problem found
     */
    NodeConfig toNodeConfig(Map<String, String> environment) {
        requireNonNull(environment, "environment is null");
        ConfigReader r = new ConfigReader(environment);

        String engineName = r.get(ENGINE, engine, ConfigValues::parseEngineName, EngineConfig.DEFAULT_ENGINE);
        HostPort endpoint = r.get(DB_COMPONENT_NAME, dbHost, t -> HostPort.parse(t, EngineConfig.DEFAULT_PORT), EngineConfig.DEFAULT_ENDPOINT);
        String user = r.get(DB_USER, dbUser, ConfigValues::parseUserName, EngineConfig.DEFAULT_USER);
        Secret password = r.get(DB_INIT_PASS, dbPassword, Secret::new, new Secret(""));
        String initDatabase = r.get(INIT_DB_NAME, initDb, ConfigValues::parseDatabaseName, EngineConfig.DEFAULT_INIT_DATABASE);
        Boolean selectInit = r.get(SELECT_INIT_DB, selectInitDb, ConfigValues::parseBoolean, true);
        Duration startWait = r.get(ENGINE_WAIT, engineWait, NodeOptions::parseWait, EngineConfig.DEFAULT_START_WAIT);

        InetAddress bind = r.get(BIND_ADDRESS, bindAddress, ConfigValues::parseBindAddress, anyIpv4());
        Integer clientPort = r.get(EXT_DB_PORT, port, ConfigValues::parseListenPort, ListenConfig.DEFAULT_CLIENT_PORT);
        Integer apiListen = r.get(API_LISTEN_PORT, apiListenPort, ConfigValues::parseListenPort, ListenConfig.DEFAULT_API_PORT);
        Integer apiAdvertised = r.get(API_PORT, apiPort, ConfigValues::parsePort, apiListen);
        Integer raft = r.get(RAFT_PORT, raftPort, ConfigValues::parseListenPort, ListenConfig.DEFAULT_RAFT_PORT);
        Integer ui = r.get(UI_PORT, uiPort, ConfigValues::parseListenPort, ListenConfig.DEFAULT_UI_PORT);
        checkDistinctPorts(r, clientPort, apiListen, raft, ui);

        Optional<String> app = r.find(DB_APPNAME, appName, ConfigValues::parseAppName);
        List<HostPort> peerList = r.list(PEERS, peers, t -> HostPort.parse(t, ClusterConfig.DEFAULT_PEER_API_PORT), List.of());
        Optional<HostPort> dnsName = r.find(PEERS_DNS, peersDns,
                t -> ConfigValues.parseDnsName(t, ClusterConfig.DEFAULT_PEER_API_PORT));
        boolean dns = r.isSet(PEERS_DNS, peersDns);
        checkOneDiscovery(r, dns, r.isSet(PEERS, peers), r.isSet(DB_APPNAME, appName));
        Optional<Secret> secret = r.find(CLUSTER_SECRET, clusterSecret, Secret::new);
        URI fluxos = r.get(FLUXOS_API, fluxosApi, ConfigValues::parseHttpUrl, ClusterConfig.DEFAULT_FLUXOS_API);
        Consistency readConsistency = r.get(CONSISTENCY, consistency, Consistency::parse, Consistency.SESSION);
        Integer expect = r.get(BOOTSTRAP_EXPECT, bootstrapExpect, t -> ConfigValues.parseInt(t, 1, 999), null);
        boolean multiNode = app.isPresent() || r.isSet(DB_APPNAME, appName) || dns || peerList == null
                || !peerList.isEmpty();
        problem(r, CLUSTER_SECRET, ClusterConfig.secretProblem(multiNode, secret));
        if (dns && !r.isSet(BOOTSTRAP_EXPECT, bootstrapExpect)) {
            r.problem(BOOTSTRAP_EXPECT, ClusterConfig.EXPECT_REQUIRED_WITH_DNS);
        }
        OptionalInt bootstrap = bootstrapExpect(r, app.isPresent() || dns, peerList, expect);
        Optional<String> advertise = r.find(ADVERTISE_ADDRESS, advertiseAddress, ConfigValues::parseHost);
        Duration removeAfter = r.get(MEMBER_REMOVE_AFTER, memberRemoveAfter, ConfigValues::parseDuration,
                ClusterConfig.DEFAULT_MEMBER_REMOVE_AFTER);
        Duration election = r.get(ELECTION_TIMEOUT, electionTimeout, t -> {
            Duration d = ConfigValues.parseDuration(t);
            String problem = ClusterConfig.electionTimeoutProblem(d);
            if (problem != null) {
                throw new IllegalArgumentException("'" + t + "' is not between 100ms and 1m");
            }
            return d;
        }, ClusterConfig.DEFAULT_ELECTION_TIMEOUT);
        Integer flowLag = r.get(FLOW_CONTROL_LAG, flowControlLag,
                t -> ConfigValues.parseInt(t, 0, ClusterConfig.MAX_FLOW_CONTROL_LAG), ClusterConfig.DEFAULT_FLOW_CONTROL_LAG);
        Duration flowWait = r.get(FLOW_CONTROL_WAIT, flowControlWait, t -> {
            Duration d = ConfigValues.parseDuration(t);
            if (ClusterConfig.flowControlWaitProblem(d) != null) {
                throw new IllegalArgumentException("'" + t + "' is not between 10ms and 1m");
            }
            return d;
        }, ClusterConfig.DEFAULT_FLOW_CONTROL_WAIT);

        Optional<String> clientApp = r.find(CLIENT_APPNAME, clientAppName, ConfigValues::parseAppName);
        List<IpRange> allowed = r.list(WHITELIST, whitelist, IpRange::parse, AddressMatcher.parse(AccessConfig.DEFAULT_WHITELIST).ranges());
        Boolean masterOnly = r.get(AUTH_MASTER_ONLY, authMasterOnly, ConfigValues::parseBoolean, false);

        Integer connections = r.get(MAX_CONNECTIONS, maxConnections,
                t -> ConfigValues.parseInt(t, 1, ProxyConfig.MAX_CONNECTIONS_LIMIT), ProxyConfig.DEFAULT_MAX_CONNECTIONS);
        Duration idle = r.get(IDLE_TIMEOUT, idleTimeout, ConfigValues::parseDuration, ProxyConfig.DEFAULT_IDLE_TIMEOUT);
        Long packet = r.get(MAX_PACKET_SIZE, maxPacketSize, NodeOptions::parsePacketSize, ProxyConfig.DEFAULT_MAX_PACKET_BYTES);
        Boolean infile = r.get(LOCAL_INFILE, localInfile, ConfigValues::parseBoolean, false);
        Optional<TlsConfig> tls = tls(r);
        Duration connect = r.get(CONNECT_TIMEOUT, connectTimeout, ConfigValues::parseDuration, ProxyConfig.DEFAULT_CONNECT_TIMEOUT);
        Integer threads = r.get(IO_THREADS, ioThreads, t -> ConfigValues.parseInt(t, 0, ProxyConfig.MAX_IO_THREADS), 0);
        FrontDoorConfig frontDoor = frontDoor(r);

        Path data = r.get(FLUXDB_DATA_DIR, dataDir, NodeOptions::parsePath, NodeConfig.DEFAULT_DATA_DIR);
        LogLevel level = r.get(LOG_LEVEL, logLevel, LogLevel::parse, LogLevel.INFO);

        r.throwIfProblems();
        return new NodeConfig(
                new EngineConfig(engineName, endpoint, user, password, initDatabase, selectInit, startWait),
                new ListenConfig(bind, clientPort, apiListen, apiAdvertised, raft, ui),
                new ClusterConfig(app, peerList, dnsName, secret, fluxos, readConsistency, bootstrap, advertise, removeAfter,
                        election, flowLag, flowWait),
                new AccessConfig(new AddressMatcher(allowed), clientApp, masterOnly),
                new ProxyConfig(connections, idle, packet, infile, tls, connect, threads, frontDoor),
                data,
                level);
    }

    private FrontDoorConfig frontDoor(ConfigReader r) {
        FrontDoorConfig d = FrontDoorConfig.DEFAULTS;
        Integer logins = r.get(MAX_LOGINS_PER_ADDRESS, maxLoginsPerAddress,
                t -> ConfigValues.parseInt(t, 1, ProxyConfig.MAX_CONNECTIONS_LIMIT), d.maxLoginsPerAddress());
        Long loginPacket = r.get(LOGIN_PACKET_SIZE, loginPacketSize, t -> {
            long bytes = ConfigValues.parseByteSize(t);
            if (bytes < FrontDoorConfig.MIN_LOGIN_PACKET_BYTES || bytes > FrontDoorConfig.MAX_LOGIN_PACKET_BYTES) {
                throw new IllegalArgumentException("'" + t + "' is not between 1k and 1M");
            }
            return bytes;
        }, d.loginPacketBytes());
        Duration stalled = r.get(PACKET_TIMEOUT, packetTimeout, ConfigValues::parseDuration, d.packetTimeout());
        Integer engine = r.get(ENGINE_CONNECTIONS, engineConnections,
                t -> ConfigValues.parseInt(t, 0, FrontDoorConfig.MAX_ENGINE_CONNECTIONS), d.engineConnections());
        FrontDoorConfig.EngineTls mode = r.get(ENGINE_TLS, engineTls, FrontDoorConfig.EngineTls::parse, d.engineTls());
        Optional<Path> ca = r.find(ENGINE_TLS_CA, engineTlsCa, t -> {
            Path file = parsePath(t);
            String problem = TlsConfig.checkReadable(file);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            return file;
        });
        if (logins == null || loginPacket == null || stalled == null || engine == null || mode == null) {
            return d;
        }
        return new FrontDoorConfig(logins, loginPacket, stalled, engine, mode, ca);
    }

    private static void checkDistinctPorts(ConfigReader r, Integer client, Integer api, Integer raft, Integer ui) {
        Setting[] settings = {EXT_DB_PORT, API_LISTEN_PORT, RAFT_PORT, UI_PORT};
        Integer[] ports = {client, api, raft, ui};
        for (int i = 1; i < ports.length; i++) {
            for (int j = 0; j < i; j++) {
                if (ports[i] != null && ports[i] != 0 && ports[i].equals(ports[j])) {
                    r.problem(settings[i], ports[i] + " is also the " + settings[j].name() + " port");
                    break;
                }
            }
        }
    }

    /** One way to find the other nodes: a list (PEERS), a DNS name (PEERS_DNS) or a Flux app (DB_APPNAME). */
    private static void checkOneDiscovery(ConfigReader r, boolean dns, boolean peerList, boolean app) {
        if (dns && peerList) {
            r.problem(PEERS_DNS, "PEERS_DNS and PEERS both say which nodes form the cluster (looked up in DNS, listed):"
                    + " set one of them");
        }
        if (dns && app) {
            r.problem(PEERS_DNS, ClusterConfig.DNS_WITH_APP);
        }
    }

    /**
     * Without BOOTSTRAP_EXPECT, a static cluster waits for all its listed nodes; on Flux the app spec decides (with a
     * DNS name, which tells no count, the setting is required: checked apart).
     */
    private static OptionalInt bootstrapExpect(ConfigReader r, boolean discovered, List<HostPort> peerList, Integer expect) {
        if (peerList == null) return OptionalInt.empty();
        if (expect == null) return discovered ? OptionalInt.empty() : OptionalInt.of(peerList.size() + 1);
        OptionalInt value = OptionalInt.of(expect);
        problem(r, BOOTSTRAP_EXPECT, ClusterConfig.bootstrapProblem(discovered, peerList.size(), value));
        return value;
    }

    private Optional<TlsConfig> tls(ConfigReader r) {
        Path cert = r.get(TLS_CERT, tlsCert, NodeOptions::parsePath, null);
        Path key = r.get(TLS_KEY, tlsKey, NodeOptions::parsePath, null);
        boolean certSet = r.isSet(TLS_CERT, tlsCert);
        boolean keySet = r.isSet(TLS_KEY, tlsKey);
        if (certSet && !keySet) r.problem(TLS_KEY, "missing: TLS_CERT is set, and a certificate needs its private key");
        if (keySet && !certSet) r.problem(TLS_CERT, "missing: TLS_KEY is set, and a private key needs its certificate");
        String certProblem = cert == null ? null : TlsConfig.checkReadable(cert);
        String keyProblem = key == null ? null : TlsConfig.checkReadable(key);
        problem(r, TLS_CERT, certProblem);
        problem(r, TLS_KEY, keyProblem);
        boolean usable = cert != null && key != null && certProblem == null && keyProblem == null;
        return usable ? Optional.of(new TlsConfig(cert, key)) : Optional.empty();
    }

    /** A duration, or 0 for no wait at all. */
    private static Duration parseWait(String text) {
        return text.strip().equals("0") ? Duration.ZERO : ConfigValues.parseDuration(text);
    }

    private static long parsePacketSize(String text) {
        long bytes = ConfigValues.parseByteSize(text);
        if (bytes < ProxyConfig.MIN_PACKET_BYTES || bytes > ProxyConfig.MAX_PACKET_BYTES) {
            throw new IllegalArgumentException("'" + text + "' is out of range (expected 1k to 1G)");
        }
        return bytes;
    }

    private static Path parsePath(String text) {
        try {
            return Path.of(text.strip());
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("'" + text + "' is not a path: " + e.getReason());
        }
    }

    private static void problem(ConfigReader r, Setting setting, String problem) {
        if (problem != null) r.problem(setting, problem);
    }

    private static InetAddress anyIpv4() {
        return ConfigValues.parseBindAddress("0.0.0.0");
    }
}

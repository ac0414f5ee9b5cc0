package io.fluxdb.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.server.Main;
import io.fluxdb.server.config.ConfigException;
import io.fluxdb.server.config.Consistency;
import io.fluxdb.server.config.HostPort;
import io.fluxdb.server.config.IpAddresses;
import io.fluxdb.server.config.IpRange;
import io.fluxdb.server.config.LogLevel;
import io.fluxdb.server.config.FrontDoorConfig;
import io.fluxdb.server.config.NodeConfig;
import io.fluxdb.server.config.Secret;
import io.fluxdb.server.config.TlsConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

class RunCommandTest {
    private static final String SECRET = "0123456789abcdef-cluster";

    @TempDir
    Path dir;

    static NodeConfig parse(Map<String, String> env, String... args) {
        List<String> all = new ArrayList<>(List.of("run"));
        all.addAll(List.of(args));
        ParseResult result = Main.commandLine(env).parseArgs(all.toArray(String[]::new));
        RunCommand run = (RunCommand) result.subcommand().commandSpec().userObject();
        return run.options.toNodeConfig(env);
    }

    static List<String> problems(Map<String, String> env, String... args) {
        try {
            parse(env, args);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected a ConfigException");
    }

    @Test
    void defaults() {
        NodeConfig c = parse(Map.of());
        assertThat(c.engine().engine()).isEqualTo("mysql");
        assertThat(c.engine().endpoint()).isEqualTo(new HostPort("localhost", 3306));
        assertThat(c.engine().user()).isEqualTo("root");
        assertThat(c.engine().password()).isEqualTo(new Secret(""));
        assertThat(c.engine().initDatabase()).isEqualTo("test_db");
        assertThat(c.engine().selectInitDatabase()).isTrue();
        assertThat(c.engine().startWait()).isEqualTo(java.time.Duration.ofMinutes(5));
        assertThat(c.listen().bindAddress().getHostAddress()).isEqualTo("0.0.0.0");
        assertThat(c.listen().clientPort()).isEqualTo(3307);
        assertThat(c.listen().apiListenPort()).isEqualTo(7071);
        assertThat(c.listen().apiAdvertisedPort()).isEqualTo(7071);
        assertThat(c.listen().raftPort()).isEqualTo(7072);
        assertThat(c.listen().uiPort()).isEqualTo(8008);
        assertThat(c.cluster().appName()).isEmpty();
        assertThat(c.cluster().peers()).isEmpty();
        assertThat(c.cluster().isMultiNode()).isFalse();
        assertThat(c.cluster().secret()).isEmpty();
        assertThat(c.cluster().fluxosApi()).isEqualTo(URI.create("https://api.runonflux.io"));
        assertThat(c.cluster().consistency()).isEqualTo(Consistency.SESSION);
        assertThat(c.cluster().bootstrapExpect()).isEqualTo(OptionalInt.of(1));
        assertThat(c.access().clientAppName()).isEmpty();
        assertThat(c.access().whitelist().ranges()).extracting(IpRange::toString)
                .containsExactly("127.0.0.1/32", "0:0:0:0:0:0:0:1/128", "172.16.0.0/12");
        assertThat(c.access().authMasterOnly()).isFalse();
        assertThat(c.proxy().maxConnections()).isEqualTo(1000);
        assertThat(c.proxy().idleTimeout()).isEqualTo(Duration.ofHours(8));
        assertThat(c.proxy().maxPacketBytes()).isEqualTo(64L << 20);
        assertThat(c.proxy().localInfile()).isFalse();
        assertThat(c.proxy().tls()).isEmpty();
        assertThat(c.dataDir()).isEqualTo(Path.of("fluxdb-data"));
        assertThat(c.logLevel()).isEqualTo(LogLevel.INFO);
    }

    @Test
    void everyVariable() throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "cert");
        Path key = Files.writeString(dir.resolve("key.pem"), "key");
        Map<String, String> env = new HashMap<>();
        env.put("ENGINE", "MySQL");
        env.put("DB_COMPONENT_NAME", "fluxmariadb_myapp:3308");
        env.put("DB_USER", "admin");
        env.put("DB_INIT_PASS", "s3cret-pass");
        env.put("INIT_DB_NAME", "shop");
        env.put("SELECT_INIT_DB", "false");
        env.put("BIND_ADDRESS", "::");
        env.put("EXT_DB_PORT", "3400");
        env.put("API_LISTEN_PORT", "7100");
        env.put("API_PORT", "37100");
        env.put("RAFT_PORT", "7101");
        env.put("UI_PORT", "8100");
        env.put("DB_APPNAME", "shopdb");
        env.put("PEERS", "10.0.0.2:7071, [2001:db8::3]:7100,node4");
        env.put("CLUSTER_SECRET", SECRET);
        env.put("FLUXOS_API", "http://127.0.0.1:16127/");
        env.put("CONSISTENCY", "strong");
        env.put("BOOTSTRAP_EXPECT", "3");
        env.put("CLIENT_APPNAME", "shopfront");
        env.put("WHITELIST", "10.0.0.0/8,2001:db8::/32");
        env.put("AUTH_MASTER_ONLY", "yes");
        env.put("MAX_CONNECTIONS", "50");
        env.put("IDLE_TIMEOUT", "30s");
        env.put("MAX_PACKET_SIZE", "16M");
        env.put("LOCAL_INFILE", "on");
        env.put("CONNECT_TIMEOUT", "45s");
        env.put("IO_THREADS", "3");
        env.put("TLS_CERT", cert.toString());
        env.put("TLS_KEY", key.toString());
        env.put("FLUXDB_DATA_DIR", dir.resolve("state").toString());
        env.put("LOG_LEVEL", "debug");

        NodeConfig c = parse(env);
        assertThat(c.engine().engine()).isEqualTo("mysql");
        assertThat(c.engine().endpoint()).isEqualTo(new HostPort("fluxmariadb_myapp", 3308));
        assertThat(c.engine().user()).isEqualTo("admin");
        assertThat(c.engine().password().value()).isEqualTo("s3cret-pass");
        assertThat(c.engine().initDatabase()).isEqualTo("shop");
        assertThat(c.engine().selectInitDatabase()).isFalse();
        assertThat(c.listen().bindAddress()).isEqualTo(IpAddresses.parse("::").orElseThrow());
        assertThat(c.listen().clientPort()).isEqualTo(3400);
        assertThat(c.listen().apiListenPort()).isEqualTo(7100);
        assertThat(c.listen().apiAdvertisedPort()).isEqualTo(37100);
        assertThat(c.listen().raftPort()).isEqualTo(7101);
        assertThat(c.listen().uiPort()).isEqualTo(8100);
        assertThat(c.cluster().appName()).contains("shopdb");
        assertThat(c.cluster().peers()).containsExactly(
                new HostPort("10.0.0.2", 7071), new HostPort("2001:db8::3", 7100), new HostPort("node4", 7071));
        assertThat(c.cluster().secret()).contains(new Secret(SECRET));
        assertThat(c.cluster().fluxosApi()).isEqualTo(URI.create("http://127.0.0.1:16127"));
        assertThat(c.cluster().consistency()).isEqualTo(Consistency.STRONG);
        assertThat(c.cluster().bootstrapExpect()).isEqualTo(OptionalInt.of(3));
        assertThat(c.access().clientAppName()).contains("shopfront");
        assertThat(c.access().whitelist().contains(IpAddresses.parse("10.9.8.7").orElseThrow())).isTrue();
        assertThat(c.access().whitelist().contains(IpAddresses.parse("127.0.0.1").orElseThrow())).isFalse();
        assertThat(c.access().authMasterOnly()).isTrue();
        assertThat(c.proxy().maxConnections()).isEqualTo(50);
        assertThat(c.proxy().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.proxy().maxPacketBytes()).isEqualTo(16L << 20);
        assertThat(c.proxy().localInfile()).isTrue();
        assertThat(c.proxy().connectTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(c.proxy().ioThreads()).isEqualTo(3);
        assertThat(c.proxy().tls()).contains(new TlsConfig(cert, key));
        assertThat(c.dataDir()).isEqualTo(dir.resolve("state"));
        assertThat(c.logLevel()).isEqualTo(LogLevel.DEBUG);
    }

    @Test
    void everyFlag() throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "cert");
        Path key = Files.writeString(dir.resolve("key.pem"), "key");
        NodeConfig c = parse(Map.of(),
                "--engine", "mysql",
                "--db-host", "[::1]:3309",
                "--db-user", "op",
                "--db-password", "pw",
                "--init-db", "app_db",
                "--select-init-db=no",
                "--bind-address", "127.0.0.1",
                "--port", "4000",
                "--api-listen-port", "4001",
                "--api-port", "4101",
                "--raft-port", "4002",
                "--ui-port", "4003",
                "--app-name", "mydb",
                "--peers", "db2:4001",
                "--cluster-secret", SECRET,
                "--fluxos-api", "https://fluxos.example",
                "--consistency", "eventual",
                "--bootstrap-expect", "2",
                "--client-app-name", "myapp",
                "--whitelist", "192.168.0.0/16",
                "--auth-master-only",
                "--max-connections", "10",
                "--idle-timeout", "1h30m",
                "--max-packet-size", "1G",
                "--local-infile",
                "--tls-cert", cert.toString(),
                "--tls-key", key.toString(),
                "--data-dir", "/var/lib/fluxdb",
                "--log-level", "warn");
        assertThat(c.engine().endpoint()).isEqualTo(new HostPort("::1", 3309));
        assertThat(c.engine().user()).isEqualTo("op");
        assertThat(c.engine().password().value()).isEqualTo("pw");
        assertThat(c.engine().initDatabase()).isEqualTo("app_db");
        assertThat(c.engine().selectInitDatabase()).isFalse();
        assertThat(c.listen().bindAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(c.listen().clientPort()).isEqualTo(4000);
        assertThat(c.listen().apiListenPort()).isEqualTo(4001);
        assertThat(c.listen().apiAdvertisedPort()).isEqualTo(4101);
        assertThat(c.listen().raftPort()).isEqualTo(4002);
        assertThat(c.listen().uiPort()).isEqualTo(4003);
        assertThat(c.cluster().appName()).contains("mydb");
        assertThat(c.cluster().peers()).containsExactly(new HostPort("db2", 4001));
        assertThat(c.cluster().secret()).contains(new Secret(SECRET));
        assertThat(c.cluster().fluxosApi()).isEqualTo(URI.create("https://fluxos.example"));
        assertThat(c.cluster().consistency()).isEqualTo(Consistency.EVENTUAL);
        assertThat(c.cluster().bootstrapExpect()).isEqualTo(OptionalInt.of(2));
        assertThat(c.access().clientAppName()).contains("myapp");
        assertThat(c.access().whitelist().toString()).isEqualTo("192.168.0.0/16");
        assertThat(c.access().authMasterOnly()).isTrue();
        assertThat(c.proxy().maxConnections()).isEqualTo(10);
        assertThat(c.proxy().idleTimeout()).isEqualTo(Duration.ofMinutes(90));
        assertThat(c.proxy().maxPacketBytes()).isEqualTo(1L << 30);
        assertThat(c.proxy().localInfile()).isTrue();
        assertThat(c.proxy().tls()).contains(new TlsConfig(cert, key));
        assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/fluxdb"));
        assertThat(c.logLevel()).isEqualTo(LogLevel.WARN);
    }

    @Test
    void flagsWinOverVariables() {
        Map<String, String> env = Map.of(
                "EXT_DB_PORT", "3400", "DB_USER", "envuser", "AUTH_MASTER_ONLY", "true",
                "WHITELIST", "10.0.0.1", "CONSISTENCY", "strong", "IDLE_TIMEOUT", "1h");
        NodeConfig c = parse(env, "--port", "3500", "--db-user", "flaguser", "--auth-master-only=false",
                "--whitelist", "10.0.0.2", "--consistency", "session", "--idle-timeout", "5m");
        assertThat(c.listen().clientPort()).isEqualTo(3500);
        assertThat(c.engine().user()).isEqualTo("flaguser");
        assertThat(c.access().authMasterOnly()).isFalse();
        assertThat(c.access().whitelist().toString()).isEqualTo("10.0.0.2/32");
        assertThat(c.cluster().consistency()).isEqualTo(Consistency.SESSION);
        assertThat(c.proxy().idleTimeout()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void aValidFlagHidesAnInvalidVariable() {
        assertThat(parse(Map.of("EXT_DB_PORT", "nope"), "--port", "3500").listen().clientPort()).isEqualTo(3500);
    }

    @Test
    void authMasterOnlyFalseReallyIsFalse() {
        for (String no : new String[] {"false", "FALSE", "0", "no", "off"}) {
            assertThat(parse(Map.of("AUTH_MASTER_ONLY", no)).access().authMasterOnly()).as(no).isFalse();
        }
        assertThat(parse(Map.of("AUTH_MASTER_ONLY", "true")).access().authMasterOnly()).isTrue();
        assertThat(parse(Map.of("AUTH_MASTER_ONLY", "1")).access().authMasterOnly()).isTrue();
        assertThat(parse(Map.of(), "--auth-master-only", "false").access().authMasterOnly()).isFalse();
        assertThat(problems(Map.of("AUTH_MASTER_ONLY", "enabled"))).containsExactly(
                "AUTH_MASTER_ONLY / --auth-master-only: 'enabled' is not a boolean (use true or false; 1/0, yes/no and on/off also work)");
    }

    /** The original never read DB_PORT: a deployment that sets it listens where the original did. */
    @Test
    void dbPortIsNotRead() {
        assertThat(parse(Map.of("DB_PORT", "3311")).listen().clientPort()).isEqualTo(3307);
        assertThat(parse(Map.of("DB_PORT", "33949", "EXT_DB_PORT", "3400")).listen().clientPort()).isEqualTo(3400);
        assertThat(parse(Map.of("DB_PORT", "x")).listen().clientPort()).isEqualTo(3307);
    }

    @Test
    void selectInitDbIsABoolean() {
        assertThat(parse(Map.of("SELECT_INIT_DB", "off")).engine().selectInitDatabase()).isFalse();
        assertThat(parse(Map.of("SELECT_INIT_DB", "false"), "--select-init-db").engine().selectInitDatabase()).isTrue();
        assertThat(problems(Map.of("SELECT_INIT_DB", "maybe"))).containsExactly(
                "SELECT_INIT_DB / --select-init-db: 'maybe' is not a boolean (use true or false; 1/0, yes/no and on/off also work)");
    }

    @Test
    void dbTypeIsAnAliasOfEngine() {
        assertThat(parse(Map.of("DB_TYPE", "mysql")).engine().engine()).isEqualTo("mysql");
        assertThat(parse(Map.of("DB_TYPE", "mysql", "ENGINE", "postgresql")).engine().engine()).isEqualTo("postgresql");
    }

    @Test
    void blankValuesCountAsUnset() {
        NodeConfig c = parse(Map.of("EXT_DB_PORT", "", "WHITELIST", " ", "DB_APPNAME", ""), "--db-user", "");
        assertThat(c.listen().clientPort()).isEqualTo(3307);
        assertThat(c.access().whitelist().ranges()).hasSize(3);
        assertThat(c.cluster().appName()).isEmpty();
        assertThat(c.engine().user()).isEqualTo("root");
    }

    @Test
    void apiPortDefaultsToTheListenPort() {
        NodeConfig c = parse(Map.of("API_LISTEN_PORT", "7200"));
        assertThat(c.listen().apiAdvertisedPort()).isEqualTo(7200);
        assertThat(parse(Map.of("API_PORT", "33950")).listen().apiListenPort()).isEqualTo(7071);
    }

    @Test
    void listenPortZeroMeansAnyFreePort() {
        NodeConfig c = parse(Map.of(), "--port", "0", "--api-listen-port", "0", "--raft-port", "0", "--ui-port", "0");
        assertThat(c.listen().clientPort()).isZero();
        assertThat(c.listen().apiAdvertisedPort()).isZero();
        assertThat(problems(Map.of("API_PORT", "0"))).containsExactly("API_PORT / --api-port: '0' is not a port (expected 1 to 65535)");
    }

    @Test
    void dbComponentName() {
        assertThat(parse(Map.of("DB_COMPONENT_NAME", "fluxmysql_app")).engine().endpoint()).isEqualTo(new HostPort("fluxmysql_app", 3306));
        assertThat(parse(Map.of("DB_COMPONENT_NAME", "127.0.0.1:3310")).engine().endpoint()).isEqualTo(new HostPort("127.0.0.1", 3310));
        assertThat(parse(Map.of("DB_COMPONENT_NAME", "[::1]")).engine().endpoint()).isEqualTo(new HostPort("::1", 3306));
        assertThat(problems(Map.of("DB_COMPONENT_NAME", "::1"))).containsExactly(
                "DB_COMPONENT_NAME / --db-host: '::1': write an IPv6 address in brackets, e.g. [::1]:3306");
    }

    @Test
    void peersAndAppNameMakeAClusterThatNeedsASecret() {
        assertThat(problems(Map.of("PEERS", "10.0.0.2"))).containsExactly(
                "CLUSTER_SECRET / --cluster-secret: required when the cluster has more than one node (PEERS, PEERS_DNS or DB_APPNAME is set)");
        assertThat(problems(Map.of("DB_APPNAME", "mydb"))).containsExactly(
                "CLUSTER_SECRET / --cluster-secret: required when the cluster has more than one node (PEERS, PEERS_DNS or DB_APPNAME is set)");
        assertThat(problems(Map.of("DB_APPNAME", "mydb", "CLUSTER_SECRET", "tooshort"))).containsExactly(
                "CLUSTER_SECRET / --cluster-secret: is 8 characters long; use at least 16 (e.g. the output of: openssl rand -hex 16)");
        NodeConfig c = parse(Map.of("PEERS", "10.0.0.2,10.0.0.3", "CLUSTER_SECRET", SECRET));
        assertThat(c.cluster().bootstrapExpect()).isEqualTo(OptionalInt.of(3));
        assertThat(parse(Map.of("DB_APPNAME", "mydb", "CLUSTER_SECRET", SECRET)).cluster().bootstrapExpect()).isEmpty();
        assertThat(parse(Map.of("CLUSTER_SECRET", SECRET)).cluster().secret()).isPresent();
    }

    @Test
    void bootstrapExpectProblems() {
        assertThat(problems(Map.of("BOOTSTRAP_EXPECT", "3"))).containsExactly(
                "BOOTSTRAP_EXPECT / --bootstrap-expect: 3 nodes can never be found: none of PEERS, PEERS_DNS and DB_APPNAME is set");
        assertThat(problems(Map.of("BOOTSTRAP_EXPECT", "0"))).containsExactly(
                "BOOTSTRAP_EXPECT / --bootstrap-expect: 0 is out of range (expected 1 to 999)");
        assertThat(problems(Map.of("PEERS", "a,b", "CLUSTER_SECRET", SECRET, "BOOTSTRAP_EXPECT", "4"))).containsExactly(
                "BOOTSTRAP_EXPECT / --bootstrap-expect: 4 nodes can never be found: PEERS lists 2 other nodes");
        assertThat(parse(Map.of("PEERS", "a,b", "CLUSTER_SECRET", SECRET, "BOOTSTRAP_EXPECT", "2")).cluster().bootstrapExpect())
                .isEqualTo(OptionalInt.of(2));
    }

    @Test
    void everyInvalidValueHasItsOwnMessage() {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("ENGINE", "ENGINE / --engine: 'my sql' is not an engine name (e.g. mysql)");
        cases.put("DB_COMPONENT_NAME", "DB_COMPONENT_NAME / --db-host: 'my sql': 'my sql' is not a host name or IP address");
        cases.put("DB_USER", "DB_USER / --db-user: 'a\tb' is not a user name (1 to 80 printable characters)");
        cases.put("INIT_DB_NAME", "INIT_DB_NAME / --init-db: 'my sql' is not a database name (letters, digits, _ and $; at most 64 characters; not only digits)");
        cases.put("BIND_ADDRESS", "BIND_ADDRESS / --bind-address: 'my sql' is not an IP address (e.g. 0.0.0.0, 127.0.0.1 or ::)");
        cases.put("EXT_DB_PORT", "EXT_DB_PORT / --port: 'my sql' is not a port (expected 1 to 65535, or 0 for any free port)");
        cases.put("API_LISTEN_PORT", "API_LISTEN_PORT / --api-listen-port: 'my sql' is not a port (expected 1 to 65535, or 0 for any free port)");
        cases.put("API_PORT", "API_PORT / --api-port: 'my sql' is not a port (expected 1 to 65535)");
        cases.put("RAFT_PORT", "RAFT_PORT / --raft-port: 'my sql' is not a port (expected 1 to 65535, or 0 for any free port)");
        cases.put("UI_PORT", "UI_PORT / --ui-port: 'my sql' is not a port (expected 1 to 65535, or 0 for any free port)");
        cases.put("DB_APPNAME", "DB_APPNAME / --app-name: 'my sql' is not an app name (letters, digits, '-' and '_'; at most 64 characters)");
        cases.put("CLIENT_APPNAME", "CLIENT_APPNAME / --client-app-name: 'my sql' is not an app name (letters, digits, '-' and '_'; at most 64 characters)");
        cases.put("WHITELIST", "WHITELIST / --whitelist: 'my sql' is not an IP address or CIDR range");
        cases.put("AUTH_MASTER_ONLY", "AUTH_MASTER_ONLY / --auth-master-only: 'my sql' is not a boolean (use true or false; 1/0, yes/no and on/off also work)");
        cases.put("PEERS", "PEERS / --peers: 'my sql': 'my sql' is not a host name or IP address");
        cases.put("FLUXOS_API", "FLUXOS_API / --fluxos-api: 'my sql' is not an http(s) URL");
        cases.put("CONSISTENCY", "CONSISTENCY / --consistency: 'my sql' is not one of session, eventual, strong");
        cases.put("BOOTSTRAP_EXPECT", "BOOTSTRAP_EXPECT / --bootstrap-expect: 'my sql' is not a whole number");
        cases.put("MAX_CONNECTIONS", "MAX_CONNECTIONS / --max-connections: 'my sql' is not a whole number");
        cases.put("IDLE_TIMEOUT", "IDLE_TIMEOUT / --idle-timeout: 'my sql' is not a duration (e.g. 500ms, 30s, 8h or 1h30m)");
        cases.put("MAX_PACKET_SIZE", "MAX_PACKET_SIZE / --max-packet-size: 'my sql' is not a size (e.g. 16M, 1G or a number of bytes)");
        cases.put("LOCAL_INFILE", "LOCAL_INFILE / --local-infile: 'my sql' is not a boolean (use true or false; 1/0, yes/no and on/off also work)");
        cases.put("LOG_LEVEL", "LOG_LEVEL / --log-level: 'my sql' is not one of trace, debug, info, warn, error");
        Map<String, String> secretEnv = Map.of("CLUSTER_SECRET", SECRET);
        cases.forEach((variable, expected) -> {
            Map<String, String> env = new HashMap<>(secretEnv);
            env.put(variable, variable.equals("DB_USER") ? "a\tb" : "my sql");
            assertThat(problems(env)).as(variable).containsExactly(expected);
        });
    }

    @Test
    void rangesAreChecked() {
        assertThat(problems(Map.of("MAX_CONNECTIONS", "0"))).containsExactly(
                "MAX_CONNECTIONS / --max-connections: 0 is out of range (expected 1 to 100000)");
        assertThat(problems(Map.of("MAX_PACKET_SIZE", "2G"))).containsExactly(
                "MAX_PACKET_SIZE / --max-packet-size: '2G' is out of range (expected 1k to 1G)");
        assertThat(problems(Map.of("MAX_PACKET_SIZE", "512"))).containsExactly(
                "MAX_PACKET_SIZE / --max-packet-size: '512' is out of range (expected 1k to 1G)");
        assertThat(problems(Map.of("IO_THREADS", "300"))).containsExactly(
                "IO_THREADS / --io-threads: 300 is out of range (expected 0 to 256)");
        assertThat(problems(Map.of("CONNECT_TIMEOUT", "0s"))).containsExactly(
                "CONNECT_TIMEOUT / --connect-timeout: '0s' is not a positive duration");
        assertThat(problems(Map.of("IDLE_TIMEOUT", "0s"))).containsExactly(
                "IDLE_TIMEOUT / --idle-timeout: '0s' is not a positive duration");
        assertThat(problems(Map.of("EXT_DB_PORT", "70000"))).containsExactly(
                "EXT_DB_PORT / --port: '70000' is not a port (expected 1 to 65535, or 0 for any free port)");
        assertThat(problems(Map.of("INIT_DB_NAME", "mysql"))).containsExactly(
                "INIT_DB_NAME / --init-db: 'mysql' is a system schema; choose a database of your own");
    }

    @Test
    void eachBadListEntryIsItsOwnProblem() {
        assertThat(problems(Map.of("WHITELIST", "10.0.0.1, 10.0.0.300 ,10.1.2.3/8,::1/129"))).containsExactly(
                "WHITELIST / --whitelist: '10.0.0.300' is not an IP address or CIDR range",
                "WHITELIST / --whitelist: '10.1.2.3/8': 10.1.2.3/8 has host bits set (did you mean 10.0.0.0/8?)",
                "WHITELIST / --whitelist: '::1/129': prefix length 129 is out of range for IPv6 (0-128)");
        assertThat(problems(Map.of("PEERS", "a:1,b:0,::1", "CLUSTER_SECRET", SECRET))).containsExactly(
                "PEERS / --peers: 'b:0': '0' is not a port (1-65535)",
                "PEERS / --peers: '::1': write an IPv6 address in brackets, e.g. [::1]:7071");
    }

    @Test
    void portsMustNotClash() {
        assertThat(problems(Map.of("EXT_DB_PORT", "7071"))).containsExactly(
                "API_LISTEN_PORT / --api-listen-port: 7071 is also the EXT_DB_PORT port");
        assertThat(problems(Map.of("UI_PORT", "7072"))).containsExactly("UI_PORT / --ui-port: 7072 is also the RAFT_PORT port");
    }

    @Test
    void frontDoorLimitsAndEngineTlsFromVariablesAndFlags() throws Exception {
        Path ca = Files.writeString(dir.resolve("engine-ca.pem"), "ca");
        NodeConfig c = parse(Map.of("MAX_LOGINS_PER_ADDRESS", "8", "LOGIN_PACKET_SIZE", "4k", "PACKET_TIMEOUT", "3s",
                "ENGINE_CONNECTIONS", "90", "ENGINE_TLS", "ON", "ENGINE_TLS_CA", ca.toString()), "--packet-timeout", "5s");
        FrontDoorConfig f = c.proxy().frontDoor();
        assertThat(f.maxLoginsPerAddress()).isEqualTo(8);
        assertThat(f.loginPacketBytes()).isEqualTo(4096);
        assertThat(f.packetTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(f.engineConnections()).isEqualTo(90);
        assertThat(f.engineTls()).isEqualTo(FrontDoorConfig.EngineTls.ON);
        assertThat(f.engineTlsCa()).contains(ca);
        assertThat(parse(Map.of()).proxy().frontDoor()).isEqualTo(FrontDoorConfig.DEFAULTS);
        assertThat(problems(Map.of("ENGINE_TLS", "maybe", "LOGIN_PACKET_SIZE", "64M"))).containsExactly(
                "LOGIN_PACKET_SIZE / --login-packet-size: '64M' is not between 1k and 1M",
                "ENGINE_TLS / --engine-tls: 'maybe' is not auto, on or off");
    }

    @Test
    void tlsNeedsBothFilesAndTheyMustBeReadable() throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "cert");
        assertThat(problems(Map.of("TLS_CERT", cert.toString()))).containsExactly(
                "TLS_KEY / --tls-key: missing: TLS_CERT is set, and a certificate needs its private key");
        assertThat(problems(Map.of("TLS_KEY", cert.toString()))).containsExactly(
                "TLS_CERT / --tls-cert: missing: TLS_KEY is set, and a private key needs its certificate");
        Path missing = dir.resolve("missing.pem");
        assertThat(problems(Map.of("TLS_CERT", cert.toString(), "TLS_KEY", missing.toString()))).containsExactly(
                "TLS_KEY / --tls-key: " + missing + " does not exist");
        assertThat(problems(Map.of("TLS_CERT", dir.toString(), "TLS_KEY", cert.toString()))).containsExactly(
                "TLS_CERT / --tls-cert: " + dir + " is not a regular file");
    }

    @Test
    void severalProblemsAreReportedTogether() {
        List<String> problems = problems(Map.of(
                "WHITELIST", "10.0.0.300",
                "AUTH_MASTER_ONLY", "maybe",
                "PEERS", "10.0.0.2",
                "IDLE_TIMEOUT", "30"),
                "--max-packet-size", "64X");
        assertThat(problems).containsExactlyInAnyOrder(
                "WHITELIST / --whitelist: '10.0.0.300' is not an IP address or CIDR range",
                "AUTH_MASTER_ONLY / --auth-master-only: 'maybe' is not a boolean (use true or false; 1/0, yes/no and on/off also work)",
                "CLUSTER_SECRET / --cluster-secret: required when the cluster has more than one node (PEERS, PEERS_DNS or DB_APPNAME is set)",
                "IDLE_TIMEOUT / --idle-timeout: '30' has no unit (use ms, s, m, h or d, e.g. 30s or 8h)",
                "MAX_PACKET_SIZE / --max-packet-size: '64X' is not a size (e.g. 16M, 1G or a number of bytes)");
    }

    @Test
    void secretsAreNotInToStringNorInProblems() {
        NodeConfig c = parse(Map.of("DB_INIT_PASS", "db-root-password", "PEERS", "10.0.0.2", "CLUSTER_SECRET", SECRET));
        assertThat(c.toString()).doesNotContain("db-root-password").doesNotContain(SECRET).contains("(hidden)");
        assertThat(String.join("\n", problems(Map.of("PEERS", "10.0.0.2", "CLUSTER_SECRET", "short-secret"))))
                .doesNotContain("short-secret");
    }

    @Test
    void badConfigurationExitsWithTwoAndOneLinePerProblem() {
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        AtomicReference<NodeConfig> launched = new AtomicReference<>();
        CommandLine cl = Main.commandLine(Map.of("WHITELIST", "10.0.0.300"), config -> {
            launched.set(config);
            return 0;
        }, config -> 0);
        cl.setErr(new PrintWriter(err, true)).setOut(new PrintWriter(out, true));
        int code = cl.execute("run", "--auth-master-only=perhaps");
        assertThat(code).isEqualTo(2);
        assertThat(launched.get()).isNull();
        assertThat(err.toString().lines().toList()).containsExactly(
                "WHITELIST / --whitelist: '10.0.0.300' is not an IP address or CIDR range",
                "AUTH_MASTER_ONLY / --auth-master-only: 'perhaps' is not a boolean (use true or false; 1/0, yes/no and on/off also work)");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void unknownFlagExitsWithTwo() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(Map.of());
        cl.setErr(new PrintWriter(err, true));
        assertThat(cl.execute("run", "--no-such-flag")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option: '--no-such-flag'");
    }

    @Test
    void validConfigurationGoesToTheLauncherAndItsExitCodeIsReturned() {
        AtomicReference<NodeConfig> launched = new AtomicReference<>();
        CommandLine cl = Main.commandLine(Map.of("EXT_DB_PORT", "3399"), config -> {
            launched.set(config);
            return 7;
        }, config -> 0);
        assertThat(cl.execute("run", "--log-level", "error")).isEqualTo(7);
        assertThat(launched.get().listen().clientPort()).isEqualTo(3399);
        assertThat(launched.get().logLevel()).isEqualTo(LogLevel.ERROR);
    }

    @Test
    void defaultLauncherPrintsTheEffectiveConfigurationWithoutSecrets() {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine(Map.of("DB_INIT_PASS", "db-root-password", "PEERS", "10.0.0.2", "CLUSTER_SECRET", SECRET));
        cl.setOut(new PrintWriter(out, true));
        assertThat(cl.execute("run")).isZero();
        assertThat(out.toString())
                .doesNotContain("db-root-password").doesNotContain(SECRET)
                .contains("DB_INIT_PASS=(hidden)", "CLUSTER_SECRET=(hidden)", "PEERS=10.0.0.2:7071", "EXT_DB_PORT=3307",
                        "SELECT_INIT_DB=true",
                        "IDLE_TIMEOUT=8h", "MAX_PACKET_SIZE=64M", "BOOTSTRAP_EXPECT=2", "AUTH_MASTER_ONLY=false");
    }

    @Test
    void printedValuesReadBackToTheSameConfiguration() {
        Map<String, String> env = Map.of("IDLE_TIMEOUT", "1h30m500ms", "MAX_PACKET_SIZE", "1536k", "WHITELIST", "10.0.0.0/8,::1",
                "DB_COMPONENT_NAME", "[2001:db8::1]:3310", "CONNECT_TIMEOUT", "2m", "IO_THREADS", "8", "SELECT_INIT_DB", "false",
                "ENGINE_WAIT", "2m30s");
        NodeConfig first = parse(env);
        Map<String, String> printed = new HashMap<>();
        for (String line : ConfigPrinter.lines(first)) {
            int eq = line.indexOf('=');
            printed.put(line.substring(0, eq), line.substring(eq + 1));
        }
        printed.remove("DB_INIT_PASS");
        printed.remove("CLUSTER_SECRET");
        printed.remove("BOOTSTRAP_EXPECT");
        assertThat(printed.get("IDLE_TIMEOUT")).isEqualTo("1h30m500ms");
        assertThat(printed.get("MAX_PACKET_SIZE")).isEqualTo("1536k");
        assertThat(parse(printed)).isEqualTo(first);
    }

    @Test
    void helpListsEveryFlagWithItsVariable() {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine(Map.of());
        cl.setOut(new PrintWriter(out, true));
        assertThat(cl.execute("run", "--help")).isZero();
        for (io.fluxdb.server.config.Setting setting : io.fluxdb.server.config.Setting.values()) {
            assertThat(out.toString()).as(setting.name()).contains(setting.flag()).contains(setting.name());
        }
    }

    @Test
    void engineWaitTakesADurationOrZero() {
        assertThat(parse(Map.of("ENGINE_WAIT", "90s")).engine().startWait()).isEqualTo(java.time.Duration.ofSeconds(90));
        assertThat(parse(Map.of("ENGINE_WAIT", "0")).engine().startWait()).isZero();
        assertThat(parse(Map.of(), "--engine-wait", "15m").engine().startWait()).isEqualTo(java.time.Duration.ofMinutes(15));
        assertThat(problems(Map.of("ENGINE_WAIT", "soon"))).singleElement().asString().startsWith("ENGINE_WAIT / --engine-wait:");
        assertThat(ConfigPrinter.lines(parse(Map.of("ENGINE_WAIT", "0")))).contains("ENGINE_WAIT=0");
    }

    @Test
    void peersWithoutPortUseTheDefaultApiPort() {
        NodeConfig c = parse(Map.of("PEERS", "db2,db3:7200", "CLUSTER_SECRET", SECRET));
        assertThat(c.cluster().peers()).containsExactly(new HostPort("db2", 7071), new HostPort("db3", 7200));
        assertThat(c.access().whitelist().contains(IpAddresses.parse("172.18.0.5").orElseThrow())).isTrue();
        assertThat(c.proxy().tls()).isEqualTo(Optional.empty());
    }

    @Test
    void peersDnsNamesTheNodesByOneDnsName() {
        NodeConfig c = parse(Map.of("PEERS_DNS", "fluxdb.db.svc.cluster.local", "BOOTSTRAP_EXPECT", "3",
                "CLUSTER_SECRET", SECRET));
        assertThat(c.cluster().peersDns()).contains(new HostPort("fluxdb.db.svc.cluster.local", 7071));
        assertThat(c.cluster().peers()).isEmpty();
        assertThat(c.cluster().isMultiNode()).isTrue();
        assertThat(c.cluster().isDiscovered()).isTrue();
        assertThat(c.cluster().bootstrapExpect()).isEqualTo(OptionalInt.of(3));
        assertThat(parse(Map.of("CLUSTER_SECRET", SECRET), "--peers-dns", "fluxdb:7200", "--bootstrap-expect", "5")
                .cluster().peersDns()).contains(new HostPort("fluxdb", 7200));
        assertThat(ConfigPrinter.lines(c)).contains("PEERS_DNS=fluxdb.db.svc.cluster.local:7071", "PEERS=",
                "BOOTSTRAP_EXPECT=3");
        assertThat(ConfigPrinter.lines(parse(Map.of()))).contains("PEERS_DNS=");
        assertThat(parse(Map.of()).cluster().peersDns()).isEmpty();
    }

    @Test
    void electionTimeoutSetsTheRaftTimeoutsAndIsBounded() {
        assertThat(parse(Map.of()).cluster().electionTimeout()).isEqualTo(Duration.ofSeconds(1));
        NodeConfig c = parse(Map.of("ELECTION_TIMEOUT", "300ms"));
        assertThat(c.cluster().electionTimeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(ConfigPrinter.lines(c)).contains("ELECTION_TIMEOUT=300ms");
        assertThat(parse(Map.of("ELECTION_TIMEOUT", "300ms"), "--election-timeout", "2s").cluster().electionTimeout())
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(problems(Map.of("ELECTION_TIMEOUT", "50ms"))).containsExactly(
                "ELECTION_TIMEOUT / --election-timeout: '50ms' is not between 100ms and 1m");
        assertThat(problems(Map.of("ELECTION_TIMEOUT", "2m"))).containsExactly(
                "ELECTION_TIMEOUT / --election-timeout: '2m' is not between 100ms and 1m");
        assertThat(problems(Map.of("ELECTION_TIMEOUT", "300"))).hasSize(1).allSatisfy(p -> assertThat(p)
                .startsWith("ELECTION_TIMEOUT / --election-timeout: '300' has no unit"));
    }

    @Test
    void flowControlSettingsHaveDefaultsAndBounds() {
        NodeConfig defaults = parse(Map.of());
        assertThat(defaults.cluster().flowControlLag()).isEqualTo(250);
        assertThat(defaults.cluster().flowControlWait()).isEqualTo(Duration.ofSeconds(1));
        NodeConfig c = parse(Map.of("FLOW_CONTROL_LAG", "0", "FLOW_CONTROL_WAIT", "250ms"));
        assertThat(c.cluster().flowControlLag()).isZero();
        assertThat(c.cluster().flowControlWait()).isEqualTo(Duration.ofMillis(250));
        assertThat(ConfigPrinter.lines(c)).contains("FLOW_CONTROL_LAG=0", "FLOW_CONTROL_WAIT=250ms");
        assertThat(parse(Map.of("FLOW_CONTROL_LAG", "10"), "--flow-control-lag", "40").cluster().flowControlLag())
                .isEqualTo(40);
        assertThat(problems(Map.of("FLOW_CONTROL_LAG", "-1"))).containsExactly(
                "FLOW_CONTROL_LAG / --flow-control-lag: -1 is out of range (expected 0 to 1000000)");
        assertThat(problems(Map.of("FLOW_CONTROL_LAG", "many"))).containsExactly(
                "FLOW_CONTROL_LAG / --flow-control-lag: 'many' is not a whole number");
        assertThat(problems(Map.of("FLOW_CONTROL_WAIT", "5ms"))).containsExactly(
                "FLOW_CONTROL_WAIT / --flow-control-wait: '5ms' is not between 10ms and 1m");
        assertThat(problems(Map.of("FLOW_CONTROL_WAIT", "2m"))).containsExactly(
                "FLOW_CONTROL_WAIT / --flow-control-wait: '2m' is not between 10ms and 1m");
    }

    @Test
    void peersDnsPrintsAndReadsBackTheSame() {
        NodeConfig first = parse(Map.of("PEERS_DNS", "nodes.example:7300", "BOOTSTRAP_EXPECT", "4",
                "CLUSTER_SECRET", SECRET, "MEMBER_REMOVE_AFTER", "90s"));
        Map<String, String> printed = new HashMap<>();
        for (String line : ConfigPrinter.lines(first)) {
            int eq = line.indexOf('=');
            printed.put(line.substring(0, eq), line.substring(eq + 1));
        }
        printed.remove("DB_INIT_PASS");
        printed.put("CLUSTER_SECRET", SECRET);
        assertThat(parse(printed)).isEqualTo(first);
    }

    @Test
    void peersDnsProblems() {
        assertThat(problems(Map.of("PEERS_DNS", "fluxdb", "CLUSTER_SECRET", SECRET))).containsExactly(
                "BOOTSTRAP_EXPECT / --bootstrap-expect: required with PEERS_DNS: how many nodes the name must list"
                        + " before a new cluster forms (a DNS name tells no count; e.g. 3)");
        assertThat(problems(Map.of("PEERS_DNS", "fluxdb", "BOOTSTRAP_EXPECT", "3"))).containsExactly(
                "CLUSTER_SECRET / --cluster-secret: required when the cluster has more than one node (PEERS, PEERS_DNS or DB_APPNAME is set)");
        assertThat(problems(Map.of("PEERS_DNS", "fluxdb", "BOOTSTRAP_EXPECT", "3", "CLUSTER_SECRET", SECRET,
                "PEERS", "db2,db3"))).containsExactly(
                "PEERS_DNS / --peers-dns: PEERS_DNS and PEERS both say which nodes form the cluster (looked up in DNS,"
                        + " listed): set one of them");
        assertThat(problems(Map.of("PEERS_DNS", "fluxdb", "BOOTSTRAP_EXPECT", "3", "CLUSTER_SECRET", SECRET,
                "DB_APPNAME", "mydb", "FLUXOS_API", "https://api.runonflux.io"))).containsExactly(
                "PEERS_DNS / --peers-dns: PEERS_DNS and DB_APPNAME both say how nodes find each other (through DNS,"
                        + " through FluxOS on Flux): set one of them");
        assertThat(problems(Map.of("CLUSTER_SECRET", SECRET, "BOOTSTRAP_EXPECT", "3"), "--peers-dns", "10.0.0.7"))
                .containsExactly("PEERS_DNS / --peers-dns: '10.0.0.7' is an IP address, not a DNS name; list fixed"
                        + " addresses in PEERS");
        assertThat(problems(Map.of("PEERS_DNS", "fluxdb:70000", "BOOTSTRAP_EXPECT", "3", "CLUSTER_SECRET", SECRET)))
                .containsExactly("PEERS_DNS / --peers-dns: 'fluxdb:70000': '70000' is not a port (1-65535)");
        assertThat(problems(Map.of("PEERS_DNS", "flux db", "BOOTSTRAP_EXPECT", "3", "CLUSTER_SECRET", SECRET)))
                .containsExactly("PEERS_DNS / --peers-dns: 'flux db': 'flux db' is not a host name or IP address");
    }
}

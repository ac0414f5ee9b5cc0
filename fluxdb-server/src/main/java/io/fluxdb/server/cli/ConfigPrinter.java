package io.fluxdb.server.cli;

import static java.util.Objects.requireNonNull;

import io.fluxdb.server.config.ClusterConfig;
import io.fluxdb.server.config.DevConfig;
import io.fluxdb.server.config.HostPort;
import io.fluxdb.server.config.NodeConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Prints the effective configuration as {@code VARIABLE=value} lines, secrets hidden. It is
 * what {@code run} and {@code dev} do until a launcher that starts the node is plugged in.
 */
final class ConfigPrinter implements NodeLauncher, DevLauncher {
    private final PrintWriter out;

    ConfigPrinter(PrintWriter out) {
        this.out = requireNonNull(out, "out is null");
    }

    @Override
    public int run(NodeConfig config) {
        lines(config).forEach(out::println);
        out.flush();
        return 0;
    }

    @Override
    public int run(DevConfig config) {
        out.println("# data directory: " + config.dataDir());
        out.println("# engine binaries: " + config.engineBinaries().map(Object::toString).orElse("(from PATH)"));
        for (int i = 0; i < config.nodes().size(); i++) {
            out.println("# node " + (i + 1));
            lines(config.nodes().get(i)).forEach(out::println);
        }
        out.flush();
        return 0;
    }

    static List<String> lines(NodeConfig c) {
        ClusterConfig cluster = c.cluster();
        List<String> lines = new ArrayList<>();
        lines.add("ENGINE=" + c.engine().engine());
        lines.add("DB_COMPONENT_NAME=" + c.engine().endpoint());
        lines.add("DB_USER=" + c.engine().user());
        lines.add("DB_INIT_PASS=" + c.engine().password());
        lines.add("INIT_DB_NAME=" + c.engine().initDatabase());
        lines.add("SELECT_INIT_DB=" + c.engine().selectInitDatabase());
        lines.add("ENGINE_WAIT=" + (c.engine().startWait().isZero() ? "0" : duration(c.engine().startWait())));
        lines.add("BIND_ADDRESS=" + c.listen().bindAddress().getHostAddress());
        lines.add("EXT_DB_PORT=" + c.listen().clientPort());
        lines.add("API_LISTEN_PORT=" + c.listen().apiListenPort());
        lines.add("API_PORT=" + c.listen().apiAdvertisedPort());
        lines.add("RAFT_PORT=" + c.listen().raftPort());
        lines.add("UI_PORT=" + c.listen().uiPort());
        lines.add("DB_APPNAME=" + cluster.appName().orElse(""));
        lines.add("PEERS=" + cluster.peers().stream().map(HostPort::toString).collect(Collectors.joining(",")));
        lines.add("PEERS_DNS=" + cluster.peersDns().map(HostPort::toString).orElse(""));
        lines.add("CLUSTER_SECRET=" + cluster.secret().map(Object::toString).orElse("(not set)"));
        lines.add("FLUXOS_API=" + cluster.fluxosApi());
        lines.add("CONSISTENCY=" + cluster.consistency());
        lines.add("BOOTSTRAP_EXPECT=" + (cluster.bootstrapExpect().isPresent()
                ? Integer.toString(cluster.bootstrapExpect().getAsInt()) : "(instances of the app specification)"));
        lines.add("ADVERTISE_ADDRESS=" + cluster.advertiseAddress().orElse(""));
        lines.add("MEMBER_REMOVE_AFTER=" + duration(cluster.memberRemoveAfter()));
        lines.add("ELECTION_TIMEOUT=" + duration(cluster.electionTimeout()));
        lines.add("FLOW_CONTROL_LAG=" + cluster.flowControlLag());
        lines.add("FLOW_CONTROL_WAIT=" + duration(cluster.flowControlWait()));
        lines.add("CLIENT_APPNAME=" + c.access().clientAppName().orElse(""));
        lines.add("WHITELIST=" + c.access().whitelist());
        lines.add("AUTH_MASTER_ONLY=" + c.access().authMasterOnly());
        lines.add("MAX_CONNECTIONS=" + c.proxy().maxConnections());
        lines.add("IDLE_TIMEOUT=" + duration(c.proxy().idleTimeout()));
        lines.add("MAX_PACKET_SIZE=" + size(c.proxy().maxPacketBytes()));
        lines.add("LOCAL_INFILE=" + c.proxy().localInfile());
        lines.add("CONNECT_TIMEOUT=" + duration(c.proxy().connectTimeout()));
        lines.add("IO_THREADS=" + c.proxy().ioThreads());
        lines.add("MAX_LOGINS_PER_ADDRESS=" + c.proxy().frontDoor().maxLoginsPerAddress());
        lines.add("LOGIN_PACKET_SIZE=" + size(c.proxy().frontDoor().loginPacketBytes()));
        lines.add("PACKET_TIMEOUT=" + duration(c.proxy().frontDoor().packetTimeout()));
        lines.add("ENGINE_CONNECTIONS=" + c.proxy().frontDoor().engineConnections());
        lines.add("ENGINE_TLS=" + c.proxy().frontDoor().engineTls().text());
        lines.add("ENGINE_TLS_CA=" + c.proxy().frontDoor().engineTlsCa().map(Path::toString).orElse(""));
        lines.add("TLS_CERT=" + c.proxy().tls().map(t -> t.certificate().toString()).orElse(""));
        lines.add("TLS_KEY=" + c.proxy().tls().map(t -> t.privateKey().toString()).orElse(""));
        lines.add("FLUXDB_DATA_DIR=" + c.dataDir());
        lines.add("LOG_LEVEL=" + c.logLevel());
        return lines;
    }

    /** The shortest form the duration parser reads back, e.g. {@code 8h} or {@code 1h30m}. */
    static String duration(Duration d) {
        StringBuilder s = new StringBuilder();
        long days = d.toDays();
        append(s, days, "d");
        append(s, d.toHoursPart(), "h");
        append(s, d.toMinutesPart(), "m");
        append(s, d.toSecondsPart(), "s");
        append(s, d.toMillisPart(), "ms");
        return s.isEmpty() ? d.toString() : s.toString();
    }

    private static void append(StringBuilder s, long amount, String unit) {
        if (amount != 0) s.append(amount).append(unit);
    }

    /** The largest exact unit, e.g. {@code 64M}; otherwise bytes. */
    static String size(long bytes) {
        String[] units = {"G", "M", "k"};
        int[] shifts = {30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes != 0 && bytes % (1L << shifts[i]) == 0) return (bytes >> shifts[i]) + units[i];
        }
        return Long.toString(bytes);
    }
}

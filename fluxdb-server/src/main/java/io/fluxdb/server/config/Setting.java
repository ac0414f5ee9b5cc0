package io.fluxdb.server.config;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every setting of {@code fluxdb run}: its environment variable (first the name FluxDB
 * documents, then older names it still reads) and its command-line flag. The flag wins over
 * the variables; among the variables the first one set wins.
 */
public enum Setting {
    DB_COMPONENT_NAME("--db-host"),
    DB_USER("--db-user"),
    DB_INIT_PASS("--db-password"),
    INIT_DB_NAME("--init-db"),
    SELECT_INIT_DB("--select-init-db"),
    ENGINE_WAIT("--engine-wait"),
    /**
     * The original listened on {@code EXT_DB_PORT} only. It documented {@code DB_PORT} for the
     * same port but never read it, so a deployment that sets {@code DB_PORT} listens where the
     * original did: {@code DB_PORT} is not read here either.
     */
    EXT_DB_PORT("--port"),
    BIND_ADDRESS("--bind-address"),
    API_PORT("--api-port"),
    API_LISTEN_PORT("--api-listen-port"),
    RAFT_PORT("--raft-port"),
    UI_PORT("--ui-port"),
    DB_APPNAME("--app-name"),
    CLIENT_APPNAME("--client-app-name"),
    WHITELIST("--whitelist"),
    AUTH_MASTER_ONLY("--auth-master-only"),
    PEERS("--peers"),
    PEERS_DNS("--peers-dns"),
    FLUXOS_API("--fluxos-api"),
    CLUSTER_SECRET("--cluster-secret"),
    CONSISTENCY("--consistency"),
    BOOTSTRAP_EXPECT("--bootstrap-expect"),
    ADVERTISE_ADDRESS("--advertise-address"),
    MEMBER_REMOVE_AFTER("--member-remove-after"),
    ELECTION_TIMEOUT("--election-timeout"),
    FLOW_CONTROL_LAG("--flow-control-lag"),
    FLOW_CONTROL_WAIT("--flow-control-wait"),
    FLUXDB_DATA_DIR("--data-dir"),
    /** The original called it {@code DB_TYPE} (and knew only {@code mysql}). */
    ENGINE("--engine", "DB_TYPE"),
    MAX_CONNECTIONS("--max-connections"),
    IDLE_TIMEOUT("--idle-timeout"),
    MAX_PACKET_SIZE("--max-packet-size"),
    LOCAL_INFILE("--local-infile"),
    CONNECT_TIMEOUT("--connect-timeout"),
    IO_THREADS("--io-threads"),
    MAX_LOGINS_PER_ADDRESS("--max-logins-per-address"),
    LOGIN_PACKET_SIZE("--login-packet-size"),
    PACKET_TIMEOUT("--packet-timeout"),
    ENGINE_CONNECTIONS("--engine-connections"),
    ENGINE_TLS("--engine-tls"),
    ENGINE_TLS_CA("--engine-tls-ca"),
    TLS_CERT("--tls-cert"),
    TLS_KEY("--tls-key"),
    LOG_LEVEL("--log-level");

    private final String flag;
    private final List<String> variables;

    Setting(String flag, String... aliases) {
        this.flag = requireNonNull(flag, "flag is null");
        this.variables = Stream.concat(Stream.of(name()), Arrays.stream(aliases)).toList();
    }

    public String flag() {
        return flag;
    }

    /** The environment variables read, in order of precedence. */
    public List<String> variables() {
        return variables;
    }

    /** {@code WHITELIST / --whitelist}: how problems name a setting. */
    public String label() {
        return name() + " / " + flag;
    }
}

#!/usr/bin/env bash
# A 3-node MariaDB Galera cluster on loopback, the peer FluxDB's replicated writes are measured
# against. Sourced by bench/cluster-sysbench.sh and bench/failover.sh (after bench/lib.sh and
# bench_init); run by itself it starts a cluster, prints each node's state and how to connect,
# holds it for --hold seconds (default 0) and removes it:
#
#   bench/galera.sh [--nodes 3] [--hold 600]
#
# Each node is a mariadbd with its own temporary data directory and free ports, all bound to
# 127.0.0.1, configured as FluxDB's engines are (bench_mariadb_cnf: innodb_flush_log_at_trx_commit=1,
# 64 MB buffer pool) plus what Galera needs: binlog_format=ROW, innodb_autoinc_lock_mode=2, and
# state transfer by mariabackup (rsync SST fails when the servers run as root: its daemon drops
# to nobody). The first node bootstraps the cluster (--wsrep-new-cluster); the others join one at
# a time, each once the cluster is Synced.
#
# Needs galera-4, mariadb-backup and socat beside mariadb-server (installed with apt-get when
# missing). GALERA_APPLIERS sets wsrep_slave_threads (default: the number of cores).

GALERA_N=0
GALERA_DIRS=()
GALERA_PORTS=()
GALERA_PIDS=()
GALERA_HOSTS=""
GALERA_PORT_LIST=""

galera_need() {
    bench_need mariadbd=mariadb-server mariadb=mariadb-client mariabackup=mariadb-backup socat=socat \
        /usr/lib/galera/libgalera_smm.so=galera-4
}

galera_provider() {
    local lib
    lib=$(dpkg -L galera-4 2>/dev/null | grep '/libgalera_smm\.so$' | head -1)
    [ -n "$lib" ] || lib=/usr/lib/galera/libgalera_smm.so
    [ -f "$lib" ] || bench_die "libgalera_smm.so not found (apt-get install -y galera-4)"
    echo "$lib"
}

# Node i (from 0): client port base+i; group communication, IST and SST at base+10+3i, +1, +2.
galera_start() { # parent-dir [nodes]
    local parent=$1 n=${2:-3} base provider i gcomm="" offsets=()
    galera_need
    provider=$(galera_provider)
    for ((i = 0; i < n; i++)); do offsets+=("$i"); done
    for ((i = 0; i < n; i++)); do offsets+=($((10 + 3 * i)) $((11 + 3 * i)) $((12 + 3 * i))); done
    base=$(bench_free_base "${offsets[@]}")
    for ((i = 0; i < n; i++)); do gcomm+="${gcomm:+,}127.0.0.1:$((base + 10 + 3 * i))"; done
    GALERA_N=$n; GALERA_DIRS=(); GALERA_PORTS=(); GALERA_PIDS=(); GALERA_HOSTS=""; GALERA_PORT_LIST=""
    for ((i = 0; i < n; i++)); do
        local g=$((base + 10 + 3 * i)) dir="$parent/galera-$((i + 1))"
        GALERA_DIRS+=("$dir"); GALERA_PORTS+=($((base + i))); GALERA_PIDS+=("")
        GALERA_HOSTS+="${GALERA_HOSTS:+,}127.0.0.1"; GALERA_PORT_LIST+="${GALERA_PORT_LIST:+,}$((base + i))"
        bench_mariadb_cnf "$dir" $((base + i)) \
            "binlog_format=ROW" \
            "innodb_autoinc_lock_mode=2" \
            "wsrep_on=ON" \
            "wsrep_provider=$provider" \
            "wsrep_cluster_name=fluxdb-bench" \
            "wsrep_cluster_address=gcomm://$gcomm" \
            "wsrep_node_name=node$((i + 1))" \
            "wsrep_node_address=127.0.0.1:$g" \
            "wsrep_provider_options=\"gmcast.listen_addr=tcp://127.0.0.1:$g;ist.recv_addr=127.0.0.1:$((g + 1));gcache.size=256M\"" \
            "wsrep_sst_receive_address=127.0.0.1:$((g + 2))" \
            "wsrep_sst_method=mariabackup" \
            "wsrep_sst_auth=$BENCH_USER:$BENCH_PASSWORD" \
            "wsrep_slave_threads=${GALERA_APPLIERS:-$(nproc)}"
        bench_mariadb_install "$dir" || bench_die "mariadb-install-db failed for Galera node $((i + 1))"
    done
    galera_start_node 0 --wsrep-new-cluster
    # The account must exist before the others join: the donor's mariabackup logs in with it.
    bench_create_account "${GALERA_DIRS[0]}"
    for ((i = 1; i < n; i++)); do galera_start_node "$i"; done
    galera_await_size "$n" 60 || bench_die "the Galera cluster did not reach $n nodes"
}

# Starts node i (again, after a kill) and waits until it is Synced.
galera_start_node() { # index [--wsrep-new-cluster]
    local i=$1 dir=${GALERA_DIRS[$1]}; shift
    bench_log "starting Galera node $((i + 1)) on port ${GALERA_PORTS[i]}"
    bench_spawn "$dir/mariadbd.out" mariadbd --defaults-file="$dir/my.cnf" "$@"
    GALERA_PIDS[i]=$BENCH_SPAWNED
    if ! bench_await "${GALERA_START_TIMEOUT:-240}" "${GALERA_PIDS[i]}" galera_synced "$i"; then
        tail -30 "$dir/error.log" >&2
        bench_die "Galera node $((i + 1)) did not reach Synced"
    fi
}

galera_status() { # index name -> value of the wsrep status variable
    bench_sql_socket "${GALERA_DIRS[$1]}" \
        "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = '$2'" 2>/dev/null
}

galera_synced() { [ "$(galera_status "$1" WSREP_LOCAL_STATE_COMMENT)" = Synced ]; }

# Waits until some live node sees a primary component of the given size.
galera_await_size() { # size timeout
    local deadline=$((SECONDS + $2)) i
    while [ "$SECONDS" -lt "$deadline" ]; do
        for ((i = 0; i < GALERA_N; i++)); do
            [ -n "${GALERA_PIDS[i]}" ] || continue
            [ "$(galera_status "$i" WSREP_CLUSTER_SIZE)" = "$1" ] && return 0
        done
        sleep 0.2
    done
    return 1
}

# kill -9 of node i, as a crash: the process group, so nothing of the node survives.
galera_kill() { # index
    local pid=${GALERA_PIDS[$1]}
    kill -KILL -- "-$pid" 2>/dev/null || true
    { wait "$pid"; } 2>/dev/null || true
    bench_forget "$pid"
    GALERA_PIDS[$1]=""
}

galera_stop() {
    local i
    for ((i = GALERA_N - 1; i >= 0; i--)); do
        [ -n "${GALERA_PIDS[i]}" ] || continue
        bench_stop "${GALERA_PIDS[i]}" 20
        bench_forget "${GALERA_PIDS[i]}"
        GALERA_PIDS[i]=""
    done
}

galera_describe() {
    local i
    for ((i = 0; i < GALERA_N; i++)); do
        if [ -z "${GALERA_PIDS[i]}" ]; then
            echo "node $((i + 1)): stopped"
        else
            echo "node $((i + 1)): 127.0.0.1:${GALERA_PORTS[i]} $(galera_status "$i" WSREP_LOCAL_STATE_COMMENT)," \
                "cluster size $(galera_status "$i" WSREP_CLUSTER_SIZE), data in ${GALERA_DIRS[i]}"
        fi
    done
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    cd "$(dirname "$0")/.."
    # shellcheck source=bench/lib.sh
    . bench/lib.sh
    bench_init
    nodes=3; hold=0
    while [ $# -gt 0 ]; do
        case "$1" in
            --nodes) nodes=$2; shift 2 ;;
            --hold) hold=$2; shift 2 ;;
            -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
            *) echo "unknown option $1" >&2; exit 2 ;;
        esac
    done
    bench_need mariadbd=mariadb-server mariadb=mariadb-client ss=iproute2
    started=$SECONDS
    bench_tempdir fluxdb-galera
    galera_start "$BENCH_TEMPDIR" "$nodes"
    echo "Galera cluster of $nodes nodes up in $((SECONDS - started)) s:"
    galera_describe
    echo "connect: mariadb -h127.0.0.1 -P${GALERA_PORTS[0]} -u$BENCH_USER -p$BENCH_PASSWORD sbtest"
    if [ "$hold" -gt 0 ]; then
        echo "holding for $hold s (Ctrl-C stops and removes it)"
        sleep "$hold"
    fi
fi

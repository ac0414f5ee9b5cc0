# shellcheck shell=bash
# Shared by the cluster benchmarks (sourced, not run): packages, free ports, private MariaDB
# servers configured like FluxDB's managed engines, sysbench runs, and the cleanup of every
# process and directory a script started, on any exit.
#
# A script that sources this file calls bench_init once; after that, every process started with
# bench_spawn is stopped, and every directory made with bench_tempdir removed, when the script
# exits for any reason (end, error, Ctrl-C, SIGTERM).

BENCH_PIDS=()
BENCH_DIRS=()
BENCH_SPAWNED=""

bench_init() {
    export PATH="$PATH:/usr/sbin:/sbin"
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

bench_log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

bench_die() { echo "$*" >&2; exit 1; }

# Installs what is missing, as .ci/run does. Arguments are COMMAND=PACKAGE pairs; a COMMAND that
# starts with / is a file that must exist (e.g. a shared library).
bench_need() {
    local pair cmd pkg missing=()
    for pair in "$@"; do
        cmd=${pair%%=*}; pkg=${pair#*=}
        if [[ $cmd == /* ]]; then
            [ -e "$cmd" ] && continue
        elif command -v "$cmd" >/dev/null; then
            continue
        fi
        [[ " ${missing[*]} " == *" $pkg "* ]] || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    command -v apt-get >/dev/null || bench_die "missing packages: ${missing[*]} (no apt-get here: install them by hand)"
    local sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    bench_log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! timeout 600 $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
        timeout 300 $sudo_cmd apt-get update -qq || true
        timeout 600 $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
            || bench_die "could not install: ${missing[*]}"
    fi
}

# Debian's python3 with PyMySQL (the pyenv python3 first on PATH may lack it).
bench_need_pymysql() {
    bench_need /usr/bin/python3=python3
    /usr/bin/python3 -c 'import pymysql' 2>/dev/null || bench_need /usr/lib/python3/dist-packages/pymysql=python3-pymysql
}

# A new directory for the results of one run, bench/results/<date>-<name>[-N], unless $2 names one.
bench_results_dir() { # name [chosen-dir] -> path
    local dir=${2:-} n=2
    if [ -z "$dir" ]; then
        dir=bench/results/$(date +%F)-$1
        while [ -e "$dir" ]; do dir=bench/results/$(date +%F)-$1-$n; n=$((n + 1)); done
    fi
    mkdir -p "$dir"
    echo "$dir"
}

# A new directory under /tmp, removed at exit, in BENCH_TEMPDIR: call it directly, not in $(...),
# so that the cleanup learns of it.
bench_tempdir() { # prefix
    BENCH_TEMPDIR=$(mktemp -d "/tmp/$1.XXXXXX")
    BENCH_DIRS+=("$BENCH_TEMPDIR")
}

# Starts a command in its own process group (so its children, e.g. a Galera node's state
# transfer scripts, go with it), output to a log file. The pid is left in BENCH_SPAWNED: call it
# directly, not in $(...), so the pid is recorded in this shell for the cleanup.
bench_spawn() { # logfile command...
    local log=$1; shift
    setsid "$@" >"$log" 2>&1 </dev/null &
    BENCH_SPAWNED=$!
    BENCH_PIDS+=("$BENCH_SPAWNED")
}

# Stops one process group started by bench_spawn: SIGTERM, then SIGKILL after $2 seconds.
bench_stop() { # pid [grace-seconds]
    local pid=$1 grace=${2:-20} deadline
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + grace))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
    { wait "$pid"; } 2>/dev/null || true
}

# Drops a pid that is gone (killed and reaped) from the cleanup list, so that the cleanup never
# signals another process that later got the same pid.
bench_forget() { # pid
    local i
    for i in "${!BENCH_PIDS[@]}"; do
        [ "${BENCH_PIDS[i]}" = "$1" ] && unset 'BENCH_PIDS[i]'
    done
    BENCH_PIDS=("${BENCH_PIDS[@]}")
}

bench_cleanup() {
    local status=$? i
    trap - EXIT INT TERM
    for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do
        bench_stop "${BENCH_PIDS[i]}" 15
    done
    for i in "${BENCH_DIRS[@]}"; do
        if [ -n "${BENCH_KEEP:-}" ]; then
            [ -n "$i" ] && echo "kept for inspection (BENCH_KEEP): $i" >&2
        else
            [ -n "$i" ] && rm -rf "$i"
        fi
    done
    exit "$status"
}

# Waits up to $1 seconds for the command that follows to succeed, while process $2 lives
# (pid "" means no process to watch).
bench_await() {
    local deadline=$((SECONDS + $1)) pid=$2; shift 2
    until "$@" >/dev/null 2>&1; do
        if [ "$SECONDS" -ge "$deadline" ] || { [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; }; then
            return 1
        fi
        sleep 0.2
    done
}

# True when no socket on this machine uses any of the given TCP ports.
bench_ports_free() {
    local port used
    used=$(ss -Htan | awk '{n = split($4, a, ":"); print a[n]}' | sort -u)
    for port in "$@"; do
        grep -qx "$port" <<<"$used" && return 1
    done
    return 0
}

# A base port B such that B + each given offset is free; below the kernel's ephemeral range
# (32768 and up), where outgoing connections take their local ports.
bench_free_base() { # offsets...
    local base offset ports attempt
    for attempt in $(seq 1 200); do
        base=$((12000 + (RANDOM * 32768 + RANDOM) % 19000))
        ports=()
        for offset in "$@"; do ports+=($((base + offset))); done
        [ $((base + ${!#})) -lt 32700 ] || continue
        if bench_ports_free "${ports[@]}"; then
            echo "$base"
            return 0
        fi
    done
    bench_die "no free port block found after $attempt attempts"
}

# The option file of a private server, the same options FluxDB gives its managed engines
# (fluxdb-testkit ServerConfig: small buffer pool and redo log, no performance schema, no binary
# log, no TLS, no name resolution) with InnoDB's default durability spelled out; extra lines
# (Galera's) are appended and win, as the server takes the last occurrence of an option.
bench_mariadb_cnf() { # dir port [extra-line...]
    local dir=$1 port=$2 line; shift 2
    mkdir -p "$dir/data" "$dir/tmp"
    {
        echo "[mariadbd]"
        echo "datadir=$dir/data"
        echo "port=$port"
        echo "socket=$dir/mysql.sock"
        echo "pid-file=$dir/mariadbd.pid"
        echo "log-error=$dir/error.log"
        echo "tmpdir=$dir/tmp"
        echo "bind-address=127.0.0.1"
        echo "max_connections=2100"
        echo "user=root"
        echo "skip-name-resolve"
        echo "innodb_buffer_pool_size=64M"
        echo "innodb_log_file_size=16M"
        echo "performance_schema=OFF"
        echo "skip-log-bin"
        echo "connect_timeout=60"
        echo "skip-ssl"
        echo "innodb_flush_log_at_trx_commit=1"
        for line in "$@"; do echo "$line"; done
    } >"$dir/my.cnf"
}

bench_mariadb_install() { # dir
    mariadb-install-db --defaults-file="$1/my.cnf" --auth-root-authentication-method=normal --skip-test-db \
        >"$1/install.log" 2>&1 || { tail -20 "$1/install.log" >&2; return 1; }
}

# One SQL command as the bench account (or root through the server's socket with BENCH_AS_ROOT);
# bounded, so a server that stalls cannot hang the script.
bench_sql() { # host:port sql
    local host=${1%:*} port=${1##*:}
    timeout "${BENCH_SQL_TIMEOUT:-20}" mariadb --no-defaults --connect-timeout=5 -h"$host" -P"$port" \
        -u"$BENCH_USER" ${BENCH_PASSWORD:+-p"$BENCH_PASSWORD"} -N -B -e "$2"
}

bench_sql_socket() { # dir sql: as root through the server's Unix socket
    timeout "${BENCH_SQL_TIMEOUT:-20}" mariadb --no-defaults --connect-timeout=5 -S"$1/mysql.sock" -uroot -N -B -e "$2"
}

# The account sysbench and the scripts use on the servers they start themselves; ALL on *.* so
# that it can also serve Galera's state transfer (mariabackup needs RELOAD, PROCESS, LOCK TABLES).
BENCH_USER=${BENCH_USER:-sb}
BENCH_PASSWORD=${BENCH_PASSWORD:-sbpass}
bench_create_account() { # dir
    bench_sql_socket "$1" "CREATE USER IF NOT EXISTS '$BENCH_USER'@'%' IDENTIFIED BY '$BENCH_PASSWORD';
        CREATE USER IF NOT EXISTS '$BENCH_USER'@'localhost' IDENTIFIED BY '$BENCH_PASSWORD';
        GRANT ALL ON *.* TO '$BENCH_USER'@'%'; GRANT ALL ON *.* TO '$BENCH_USER'@'localhost';
        CREATE DATABASE IF NOT EXISTS sbtest;"
}

# Starts one private server (the direct baseline): sets BENCH_DIRECT_DIR, BENCH_DIRECT_PORT,
# BENCH_DIRECT_PID.
bench_direct_start() { # parent-dir
    BENCH_DIRECT_DIR=$1/direct
    BENCH_DIRECT_PORT=$(bench_free_base 0)
    bench_mariadb_cnf "$BENCH_DIRECT_DIR" "$BENCH_DIRECT_PORT"
    bench_mariadb_install "$BENCH_DIRECT_DIR" || bench_die "mariadb-install-db failed for the direct server"
    bench_spawn "$BENCH_DIRECT_DIR/mariadbd.out" mariadbd --defaults-file="$BENCH_DIRECT_DIR/my.cnf"
    BENCH_DIRECT_PID=$BENCH_SPAWNED
    bench_await 120 "$BENCH_DIRECT_PID" bench_sql_socket "$BENCH_DIRECT_DIR" "SELECT 1" \
        || { tail -20 "$BENCH_DIRECT_DIR/error.log" >&2; bench_die "the direct MariaDB did not start"; }
    bench_create_account "$BENCH_DIRECT_DIR"
}

# Runs sysbench once (command run, prepare or cleanup) against one or more servers; the raw
# output goes to $1. sysbench spreads its connections round-robin over the host and port lists,
# so equal-length lists pair them up. Fails when sysbench fails or overruns its time by a minute
# (prepare: ten minutes).
bench_sysbench() { # out command workload threads seconds ps-mode hosts ports user password [extra-args...]
    local out=$1 command=$2 workload=$3 threads=$4 seconds=$5 ps=$6 hosts=$7 port_list=$8 user=$9 password=${10}
    local limit=$((seconds + 60)) args
    shift 10
    [ "$command" = run ] || limit=600
    args=("$workload" --db-driver=mysql --mysql-host="$hosts" --mysql-port="$port_list" --mysql-user="$user"
          --mysql-db=sbtest --mysql-ssl=off --tables="${BENCH_TABLES:-4}" --table-size="${BENCH_TABLE_SIZE:-10000}"
          --threads="$threads" --time="$seconds" --percentile=95 --report-interval=0 --db-ps-mode="$ps" "$@" "$command")
    # The first line says how to repeat the run (the password left out).
    echo "# sysbench ${args[*]}" >"$out"
    timeout "$limit" sysbench --mysql-password="$password" "${args[@]}" >>"$out" 2>&1
}

# "tps p95_ms errors reconnects" from a sysbench output file ("- - - -" when it has none).
bench_parse() { # file
    awk '/transactions:/ && /per sec/ {gsub(/[()]/, ""); t = $3}
         /95th percentile:/ {p = $3}
         /ignored errors:/ {e = $3}
         /reconnects:/ {r = $2}
         END {if (t == "") print "- - - -"; else printf "%s %s %s %s\n", t, p, e, r}' "$1"
}

# a / b with two decimals, or "-" when either is not a number or b is 0.
bench_ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {
        if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b + 0 == 0) print "-"; else printf "%.2f", a / b }'
}

bench_machine_line() {
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)," \
        "load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

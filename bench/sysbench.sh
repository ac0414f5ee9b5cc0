#!/usr/bin/env bash
# Measures FluxDB against the engine it fronts, in one run on this machine:
# sysbench oltp_point_select, oltp_read_only and oltp_read_write, prepared and text protocol,
# first directly against MariaDB, then through the operator; prints qps, p95 latency and the
# ratio through/direct for each. Also reports the operator's memory per idle client connection.
#
# Where HAProxy is installed (apt-get install -y haproxy), every workload also runs through HAProxy
# in TCP mode, a byte relay in C that parses nothing: what any proxy on this machine costs at least,
# since each statement crosses two more loopback sockets and wakes one more process twice.
#
#   bench/sysbench.sh [--threads 4] [--time 20] [--warmup 10] [--table-size 10000] [--idle-clients 1000]
#
# Before measuring, every workload runs --warmup seconds through the operator and directly, so the
# operator's JIT has compiled the hot paths and both sides start with a warm buffer pool: the figures
# are steady-state ones, as for a server that has been up for a while.
#
# Needs: sysbench, mariadbd + mariadb-install-db (apt-get install -y sysbench mariadb-server),
# python3 (for the idle-connection count), and a built fluxdb.jar (./mvnw package -DskipTests).
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/find-jdk.sh
fluxdb_find_jdk

threads=4; seconds=20; warmup=10; table_size=10000; idle_clients=1000
while [ $# -gt 0 ]; do
    case "$1" in
        --threads) threads=$2; shift 2 ;;
        --time) seconds=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --table-size) table_size=$2; shift 2 ;;
        --idle-clients) idle_clients=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

jar=fluxdb-server/target/fluxdb.jar
[ -f "$jar" ] || { echo "build first: ./mvnw package -DskipTests" >&2; exit 2; }
for tool in sysbench mariadbd mariadb-install-db mariadb python3 ss; do
    command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] \
        || { echo "$tool is missing (apt-get install -y sysbench mariadb-server mariadb-client python3 iproute2)" >&2; exit 2; }
done
export PATH="$PATH:/usr/sbin"
work=$(mktemp -d /tmp/fluxdb-bench.XXXXXX)
base=$((20000 + RANDOM % 10000))
engine_port=$base; proxy_port=$((base + 1)); ui_port=$((base + 2)); api_port=$((base + 3)); raft_port=$((base + 4))
relay_port=$((base + 5))
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# Waits up to $1 seconds for the command that follows to succeed, while process $2 lives.
await() {
    local deadline=$((SECONDS + $1)) pid=$2; shift 2
    until "$@" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$deadline" ] && kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.2
    done
}

cat > "$work/my.cnf" <<CNF
[mariadbd]
datadir=$work/data
port=$engine_port
socket=$work/mysql.sock
bind-address=127.0.0.1
user=root
innodb_buffer_pool_size=256M
innodb_log_file_size=64M
performance_schema=OFF
skip-log-bin
max_connections=3000
CNF
mariadb-install-db --defaults-file="$work/my.cnf" --auth-root-authentication-method=normal --skip-test-db >"$work/install.log" 2>&1
mariadbd --defaults-file="$work/my.cnf" >"$work/mariadb.log" 2>&1 &
engine_pid=$!
pids+=($engine_pid)
await 300 "$engine_pid" mariadb --no-defaults -h127.0.0.1 -P"$engine_port" -uroot -e 'select 1' \
    || { echo "MariaDB did not start:" >&2; tail -20 "$work/mariadb.log" >&2; exit 1; }
mariadb --no-defaults -h127.0.0.1 -P"$engine_port" -uroot \
    -e "CREATE DATABASE sbtest; CREATE USER sb@'%' IDENTIFIED BY 'sbpass'; GRANT ALL ON sbtest.* TO sb@'%';"

# The engine password goes in the environment (flags show in ps); it is empty here.
DB_INIT_PASS='' "$JAVA_HOME/bin/java" -XX:+UseParallelGC ${FLUXDB_BENCH_JAVA_OPTS:-} -jar "$jar" run \
    --db-host "127.0.0.1:$engine_port" --db-user root --bind-address 127.0.0.1 \
    --port "$proxy_port" --ui-port "$ui_port" --api-listen-port "$api_port" --api-port "$api_port" \
    --raft-port "$raft_port" --max-connections $((idle_clients + 100)) --data-dir "$work/fluxdb" \
    >"$work/fluxdb.log" 2>&1 &
fluxdb_pid=$!
pids+=($fluxdb_pid)
await 600 "$fluxdb_pid" mariadb --no-defaults -h127.0.0.1 -P"$proxy_port" -usb -psbpass --skip-ssl -e 'select 1' \
    || { echo "FluxDB did not start:" >&2; tail -30 "$work/fluxdb.log" >&2; exit 1; }

relay_pid=""
if command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ]; then
    # As many threads as the operator has event loops (one per core).
    cat > "$work/haproxy.cfg" <<CFG
global
    nbthread $(nproc)
    maxconn 4000
defaults
    mode tcp
    timeout connect 5s
    timeout client 1h
    timeout server 1h
listen engine
    bind 127.0.0.1:$relay_port
    server engine 127.0.0.1:$engine_port
CFG
    haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 &
    relay_pid=$!
    pids+=($relay_pid)
    await 30 "$relay_pid" mariadb --no-defaults -h127.0.0.1 -P"$relay_port" -usb -psbpass --skip-ssl -e 'select 1' \
        || { echo "HAProxy did not start:" >&2; tail -20 "$work/haproxy.log" >&2; exit 1; }
fi

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "engine: $(mariadbd --version | head -1)"
echo "sysbench: $(sysbench --version); threads $threads, $seconds s per run, 4 tables x $table_size rows"
echo

common=(--db-driver=mysql --mysql-user=sb --mysql-password=sbpass --mysql-db=sbtest --mysql-ssl=off
        --tables=4 --table-size="$table_size" --threads="$threads" --time="$seconds" --percentile=95 --report-interval=0)
sysbench oltp_read_write "${common[@]}" --mysql-host=127.0.0.1 --mysql-port="$engine_port" prepare >/dev/null

# CPU time (user + system, in clock ticks) a process has used so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks_per_second=$(getconf CLK_TCK)

run() { # workload ps-mode port [pid] -> "qps p95 errors cpu-us-per-query-of-pid"
    local out="$work/run.out" before after pid=${4:-$fluxdb_pid}
    before=$(cpu_ticks "$pid")
    if ! sysbench "$1" "${common[@]}" --db-ps-mode="$2" --mysql-host=127.0.0.1 --mysql-port="$3" run >"$out" 2>&1; then
        echo "sysbench $1 --db-ps-mode=$2 on port $3 failed:" >&2; tail -20 "$out" >&2; exit 1
    fi
    after=$(cpu_ticks "$pid")
    awk -v ticks=$((after - before)) -v hz="$ticks_per_second" \
        '/queries:/ && /per sec/ {n=$2; gsub(/[()]/,""); q=$3} /95th percentile:/ {p=$3} /ignored errors:/ {e=$3}
         END {printf "%s %s %s %.0f\n", q, p, e, (n > 0 ? ticks * 1e6 / hz / n : 0)}' "$out"
}

if [ "$warmup" -gt 0 ]; then
    for workload in oltp_point_select oltp_read_only oltp_read_write; do
        for port in "$proxy_port" "$engine_port" ${relay_pid:+"$relay_port"}; do
            sysbench "$workload" "${common[@]/--time=*/--time=$warmup}" --db-ps-mode=auto --mysql-host=127.0.0.1 \
                --mysql-port="$port" run >/dev/null 2>&1 || true
        done
    done
fi

# op_cpu_us: the operator's CPU time per proxied query (user + system, all its threads), which
# does not depend on how the scheduler shares the machine's cores among the three processes.
# relay_*: the same through HAProxy (relay_cpu_us is HAProxy's CPU per query), when installed.
printf '%-18s %-8s %12s %8s %12s %8s %6s %8s %9s %11s %8s %6s %12s\n' workload protocol direct_qps p95_ms \
    fluxdb_qps p95_ms ratio errors op_cpu_us relay_qps p95_ms ratio relay_cpu_us
for workload in oltp_point_select oltp_read_only oltp_read_write; do
    for mode in auto disable; do
        proto=$([ "$mode" = auto ] && echo prepared || echo text)
        read -r dq dp de _ <<<"$(run "$workload" "$mode" "$engine_port")"
        read -r fq fp fe fcpu <<<"$(run "$workload" "$mode" "$proxy_port")"
        rq=-; rp=-; rratio=-; rcpu=-
        if [ -n "$relay_pid" ]; then
            read -r rq rp _ rcpu <<<"$(run "$workload" "$mode" "$relay_port" "$relay_pid")"
            rratio=$(awk -v a="$rq" -v b="$dq" 'BEGIN {printf "%.2f", a / b}')
        fi
        ratio=$(awk -v a="$fq" -v b="$dq" 'BEGIN {printf "%.2f", a / b}')
        printf '%-18s %-8s %12s %8s %12s %8s %6s %8s %9s %11s %8s %6s %12s\n' "$workload" "$proto" "$dq" "$dp" \
            "$fq" "$fp" "$ratio" "$de/$fe" "$fcpu" "$rq" "$rp" "$rratio" "$rcpu"
    done
done

# Memory per idle client: RSS of the operator (after a full GC) and of the engine, before and after
# opening N authenticated idle connections through the operator. Each idle client also pins one
# engine connection, so the engine's share is reported too.
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
gc() { "$JAVA_HOME/bin/jcmd" "$fluxdb_pid" GC.run >/dev/null 2>&1 || true; }
established() { ss -Htn state established "( dport = :$proxy_port )" | wc -l; }
gc
before=$(rss "$fluxdb_pid"); engine_before=$(rss "$engine_pid")
python3 - "$proxy_port" "$idle_clients" >"$work/idle.log" 2>&1 <<'PY' &
import hashlib, resource, socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, n + 64)), hard))
def packet(sock):
    h = sock.recv(4, socket.MSG_WAITALL); return sock.recv(h[0] | h[1] << 8 | h[2] << 16, socket.MSG_WAITALL)
socks = []
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    hs = packet(s)
    i = hs.index(b"\0", 1) + 1 + 4
    scramble = hs[i:i + 8] + hs[i + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10:][:12]
    p1 = hashlib.sha1(b"sbpass").digest(); p2 = hashlib.sha1(p1).digest()
    auth = bytes(a ^ b for a, b in zip(p1, hashlib.sha1(scramble + p2).digest()))
    caps = 0x0200 | 0x8000 | 0x80000 | 0x0001
    body = caps.to_bytes(4, "little") + (1 << 24).to_bytes(4, "little") + bytes([45]) + bytes(23) \
        + b"sb\0" + bytes([len(auth)]) + auth + b"mysql_native_password\0"
    s.sendall(len(body).to_bytes(3, "little") + b"\x01" + body)
    reply = packet(s)
    if reply[0] != 0:
        print("login failed:", reply, file=sys.stderr); sys.exit(1)
    socks.append(s)
print("open", flush=True)
time.sleep(3600)
PY
idle_pid=$!
pids+=($idle_pid)
await 300 "$idle_pid" grep -q open "$work/idle.log" || { echo "idle clients did not log in:" >&2; cat "$work/idle.log" >&2; exit 1; }
n=$(established)
gc
after=$(rss "$fluxdb_pid"); engine_after=$(rss "$engine_pid")
echo
echo "idle clients: $n"
echo "operator RSS: ${before} KiB before, ${after} KiB after (after a full GC): $(( (after - before) / (n > 0 ? n : 1) )) KiB per idle connection"
echo "engine RSS:   ${engine_before} KiB before, ${engine_after} KiB after: $(( (engine_after - engine_before) / (n > 0 ? n : 1) )) KiB per pinned engine connection"

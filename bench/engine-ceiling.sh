#!/usr/bin/env bash
# What the engines alone allow a replicated write here, in one run: sysbench oltp_insert at the
# given thread counts against
#   direct    one MariaDB configured as FluxDB's engines are (the baseline),
#   galera    a 3-node MariaDB Galera cluster on loopback, writers on node 1,
#   ceiling   three plain MariaDB servers sent, by bench/engine-ceiling.lua, exactly the engine
#             statements one replicated oltp_insert costs a 3-node FluxDB cluster (XA on the
#             leader, its apply bookkeeping, the replay on each follower), with no operator.
# The ceiling's throughput bounds FluxDB's from above on this machine, whatever its operators
# cost: when it is below Galera's, FluxDB cannot reach Galera's throughput with one engine
# transaction per write on every node. --group "1 4" adds ceilings of a design that FluxDB does
# not have: log entries of several client transactions each (recorded in one bookkeeping
# transaction on the leader, replayed in one engine transaction on each follower); their tps
# counts client transactions. Prints tps, p95 and the ratios; raw output goes to
# bench/results/<date>-ceiling/.
#
#   bench/engine-ceiling.sh [--time 30] [--warmup 10] [--threads "1 8"] [--group "1"] [--no-galera]
#       [--out DIR]
#
# Needs: sysbench, mariadb-server, mariadb-client, galera-4, mariadb-backup, socat, iproute2.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
# shellcheck source=bench/galera.sh
. bench/galera.sh

seconds=30; warmup=10; threads_list="1 8"; groups="1"; use_galera=true; out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --time) seconds=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --threads) threads_list=$2; shift 2 ;;
        --group) groups=$2; shift 2 ;;
        --no-galera) use_galera=false; shift ;;
        --out) out=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/{/^set -euo/d; s/^# \{0,1\}//; p}' "$0"; exit 0 ;;
        *) echo "unknown option $1 (--help lists them)" >&2; exit 2 ;;
    esac
done

bench_init
bench_need sysbench=sysbench mariadbd=mariadb-server mariadb=mariadb-client ss=iproute2
$use_galera && galera_need
out=$(bench_results_dir ceiling "$out")
bench_tempdir fluxdb-ceiling-bench
work=$BENCH_TEMPDIR
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
tables=${BENCH_TABLES:-4}; table_size=${BENCH_TABLE_SIZE:-10000}

bench_log "starting the direct MariaDB"
bench_direct_start "$work"

# The three engines of the ceiling: plain servers, FluxDB's bookkeeping tables on each.
ceiling_ports=(); ceiling_dirs=()
base=$(bench_free_base 100 101 102)
for i in 0 1 2; do
    dir="$work/ceiling-$((i + 1))" port=$((base + 100 + i))
    ceiling_dirs+=("$dir"); ceiling_ports+=("$port")
    bench_mariadb_cnf "$dir" "$port"
    bench_mariadb_install "$dir" || bench_die "mariadb-install-db failed for ceiling engine $((i + 1))"
    bench_spawn "$dir/mariadbd.out" mariadbd --defaults-file="$dir/my.cnf"
    bench_await 120 "$BENCH_SPAWNED" bench_sql_socket "$dir" "SELECT 1" \
        || { tail -20 "$dir/error.log" >&2; bench_die "ceiling engine $((i + 1)) did not start"; }
    bench_create_account "$dir"
    bench_sql_socket "$dir" "CREATE DATABASE fluxdb;
        CREATE TABLE fluxdb.applied_log (idx BIGINT UNSIGNED NOT NULL PRIMARY KEY, error_code SMALLINT UNSIGNED NULL);
        CREATE TABLE fluxdb.applied_floor (id TINYINT UNSIGNED NOT NULL PRIMARY KEY, idx BIGINT UNSIGNED NOT NULL);
        INSERT INTO fluxdb.applied_floor VALUES (1, 0);
        CREATE TABLE fluxdb.leader_commits (xid VARBINARY(64) NOT NULL PRIMARY KEY,
            committed_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6));"
done
ceiling_hosts=127.0.0.1,127.0.0.1,127.0.0.1
ceiling_port_list=$(IFS=,; echo "${ceiling_ports[*]}")

if $use_galera; then
    bench_log "starting the 3-node Galera cluster (state transfers take a while)"
    galera_start "$work" 3
fi

declare -A where
where[direct]="127.0.0.1 $BENCH_DIRECT_PORT"
targets=(direct)
$use_galera && { where[galera]="127.0.0.1 ${GALERA_PORTS[0]}"; targets+=(galera); }
for g in $groups; do
    [[ $g =~ ^[1-9][0-9]*$ ]] || bench_die "--group: whole numbers from 1 (got $g)"
    if [ "$g" = 1 ]; then targets+=(ceiling); else targets+=("ceiling-x$g"); fi
done

# sysbench for target $1; the ceiling runs the Lua workload over its three engines.
run() { # target out threads seconds command
    local t=$1 file=$2 th=$3 secs=$4 command=$5 host port group
    if [[ $t == ceiling* ]]; then
        group=${t#ceiling}; group=${group#-x}; group=${group:-1}
        if [ "$command" = run ]; then
            bench_sysbench "$file" run bench/engine-ceiling.lua "$th" "$secs" disable "$ceiling_hosts" \
                "$ceiling_port_list" "$BENCH_USER" "$BENCH_PASSWORD" --leader-port="${ceiling_ports[0]}" \
                --group="$group"
        else
            local i ok=0
            for i in 0 1 2; do
                bench_sysbench "$file.$i" "$command" oltp_insert 1 0 auto 127.0.0.1 "${ceiling_ports[i]}" \
                    "$BENCH_USER" "$BENCH_PASSWORD" || ok=1
            done
            return $ok
        fi
    else
        read -r host port <<<"${where[$t]}"
        bench_sysbench "$file" "$command" oltp_insert "$th" "$secs" auto "$host" "$port" "$BENCH_USER" "$BENCH_PASSWORD"
    fi
}

max_threads=$(tr ' ' '\n' <<<"$threads_list" | sort -n | tail -1)
prepared=""
for t in "${targets[@]}"; do
    # the ceiling targets share their three servers: their tables are prepared once
    kind=${t%%-x*}
    if [[ " $prepared " != *" $kind "* ]]; then
        prepared+=" $kind"
        bench_log "preparing $kind"
        run "$kind" "$out/prepare-$kind.txt" 1 0 prepare || bench_die "sysbench prepare failed on $kind ($out/prepare-$kind.txt)"
    fi
    bench_log "warm-up $t (${warmup} s)"
    run "$t" "$work/warmup-$t.txt" "$max_threads" "$warmup" run || { tail -5 "$work/warmup-$t.txt" >&2; bench_die "warm-up failed on $t"; }
done

declare -A result
for th in $threads_list; do
    for t in "${targets[@]}"; do
        bench_log "oltp_insert, $th thread(s), $t"
        f="$out/$t-oltp_insert-${th}t.txt"
        run "$t" "$f" "$th" "$seconds" run || { tail -5 "$f" >&2; bench_die "the run failed on $t ($f)"; }
        read -r tps p95 rest <<<"$(bench_parse "$f")"
        if [[ $t == ceiling-x* ]]; then
            # sysbench counts events; each event is ${t#ceiling-x} client transactions
            tps=$(awk -v a="$tps" -v n="${t#ceiling-x}" 'BEGIN { if (a ~ /^[0-9.]+$/) printf "%.2f", a * n; else print a }')
        fi
        result[$t|$th]="$tps $p95 $rest"
    done
done

{
    echo "# What the engines alone allow a replicated oltp_insert ($(date -u +%F) $(date +%H:%M), tree at $(git rev-parse --short HEAD 2>/dev/null || echo unknown))"
    echo "# bench/engine-ceiling.sh --time $seconds --warmup $warmup --threads \"$threads_list\" --group \"$groups\"$($use_galera || echo ' --no-galera')"
    bench_machine_line
    echo "load average at the start: $load_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "all servers: innodb_flush_log_at_trx_commit=1, 64M buffer pool, no binary log; Galera adds binlog_format=ROW, innodb_autoinc_lock_mode=2"
    echo "ceiling: FluxDB's engine statements per replicated write (bench/engine-ceiling.lua) on three plain servers, no operator"
    echo "ceiling-xN (not FluxDB's design): N client transactions per log entry; tps counts client transactions, p95 is per entry"
    echo
    printf '%-8s %-11s %12s %10s %18s %18s\n' threads target tps "p95 ms" "target/direct" "ceiling/galera"
    for th in $threads_list; do
        read -r direct_tps _ <<<"${result[direct|$th]}"
        galera_tps="-"
        $use_galera && read -r galera_tps _ <<<"${result[galera|$th]}"
        for t in "${targets[@]}"; do
            read -r tps p95 _ <<<"${result[$t|$th]}"
            vs_galera="-"
            [[ $t == ceiling* ]] && vs_galera=$(bench_ratio "$tps" "$galera_tps")
            printf '%-8s %-11s %12s %10s %18s %18s\n' "$th" "$t" "$tps" "$p95" "$(bench_ratio "$tps" "$direct_tps")" "$vs_galera"
        done
    done
} | tee "$out/summary.txt"

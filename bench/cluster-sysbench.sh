#!/usr/bin/env bash
# Replicated writes, in one run on this machine: sysbench oltp_insert and oltp_write_only (and
# oltp_read_write with --read-write) at 1 and 8 threads against
#   direct   one MariaDB configured as FluxDB's engines are (the baseline),
#   galera   a 3-node MariaDB Galera cluster on loopback, writers on node 1,
#   fluxdb   a 3-node FluxDB cluster, writers on the node that takes writes (the leader),
# and with --writers all (or both) also galera-all / fluxdb-all, sysbench's connections spread
# over the three nodes. Runs alternate between the targets, so they share the machine's noise.
# Prints tps, p95 latency, the ratios Galera/direct, FluxDB/direct, FluxDB/Galera, the p95
# difference FluxDB - Galera and direct/3 (three engines share this machine's cores, so a 3-node
# cluster here can do at most about a third of one engine's direct throughput), and FluxDB's
# follower lag where it can be read. Raw sysbench output goes to bench/results/<date>-cluster/.
#
#   bench/cluster-sysbench.sh [--time 15] [--warmup 5] [--threads "1 8"] [--read-write]
#       [--workloads "oltp_insert oltp_write_only"]
#       [--writers one|all|both] [--ps-mode auto|disable] [--tables 4] [--table-size 10000]
#       [--no-galera] [--no-fluxdb] [--fluxdb-start dev|run] [--fluxdb HOST:PORT,...]
#       [--fluxdb-engines HOST:PORT,...] [--fluxdb-leader N] [--lag-interval 0.5] [--out DIR]
#
# FluxDB: by default the script starts `java -jar fluxdb-server/target/fluxdb.jar dev --nodes 3
# --base-port P --data-dir D` (--fluxdb-start run: three `fluxdb.jar run` processes instead, each
# in front of its own MariaDB). --fluxdb uses a cluster that runs already (its MySQL ports; with
# --fluxdb-engines its engines' ports too, for the lag). FLUXDB_USER / FLUXDB_PASSWORD (default
# root, empty) is the account sysbench uses there. When no cluster can be started, or its nodes do
# not replicate, the FluxDB columns say so and the others are still measured.
#
# --ps-mode auto (default) uses server-side prepared statements everywhere; if FluxDB refuses
# them, its runs fall back to the text protocol and are marked "text". --ps-mode disable uses the
# text protocol everywhere (like for like).
#
# Needs: sysbench, mariadb-server, mariadb-client, galera-4, mariadb-backup, socat, iproute2
# (installed with apt-get when missing), and for FluxDB a built jar (./mvnw -q package -DskipTests).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
# shellcheck source=bench/galera.sh
. bench/galera.sh
# shellcheck source=bench/fluxdb-cluster.sh
. bench/fluxdb-cluster.sh

seconds=15; warmup=5; threads_list="1 8"; workload_list="oltp_insert oltp_write_only"; read_write=false; writers=one; ps_mode=auto
use_galera=true; use_fluxdb=true; fluxdb_start=dev; fluxdb_addrs=""; fluxdb_engines=""
lag_interval=0.5; out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --time) seconds=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --threads) threads_list=$2; shift 2 ;;
        --workloads) workload_list=$2; shift 2 ;;
        --read-write) read_write=true; shift ;;
        --writers) writers=$2; shift 2 ;;
        --ps-mode) ps_mode=$2; shift 2 ;;
        --tables) export BENCH_TABLES=$2; shift 2 ;;
        --table-size) export BENCH_TABLE_SIZE=$2; shift 2 ;;
        --no-galera) use_galera=false; shift ;;
        --no-fluxdb) use_fluxdb=false; shift ;;
        --fluxdb-start) fluxdb_start=$2; shift 2 ;;
        --fluxdb) fluxdb_addrs=$2; shift 2 ;;
        --fluxdb-engines) fluxdb_engines=$2; shift 2 ;;
        --fluxdb-leader) export FLUXDB_LEADER=$2; shift 2 ;;
        --fluxdb-jar) FLUXDB_JAR=$2; shift 2 ;;
        --lag-interval) lag_interval=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/{/^set -euo/d; s/^# \{0,1\}//; p}' "$0"; exit 0 ;;
        *) echo "unknown option $1 (--help lists them)" >&2; exit 2 ;;
    esac
done
case "$writers" in one|all|both) ;; *) echo "--writers: one, all or both" >&2; exit 2 ;; esac
case "$ps_mode" in auto|disable) ;; *) echo "--ps-mode: auto or disable" >&2; exit 2 ;; esac
case "$fluxdb_start" in dev|run) ;; *) echo "--fluxdb-start: dev or run" >&2; exit 2 ;; esac

bench_init
bench_need sysbench=sysbench mariadbd=mariadb-server mariadb=mariadb-client ss=iproute2
$use_galera && galera_need
$use_fluxdb && bench_need_pymysql

out=$(bench_results_dir cluster "$out")
bench_tempdir fluxdb-cluster-bench
work=$BENCH_TEMPDIR
read -r -a workloads <<<"$workload_list"
$read_write && workloads+=(oltp_read_write)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
notes=()

# The targets, each "hosts ports user password ps-mode" for sysbench.
declare -A target_args
declare -A result
targets=(direct)

bench_log "starting the direct MariaDB"
bench_direct_start "$work"
target_args[direct]="127.0.0.1 $BENCH_DIRECT_PORT $BENCH_USER $BENCH_PASSWORD $ps_mode"

if $use_galera; then
    bench_log "starting the 3-node Galera cluster (state transfers take a while)"
    galera_start "$work" 3
    [ "$writers" = all ] || { targets+=(galera); target_args[galera]="127.0.0.1 ${GALERA_PORTS[0]} $BENCH_USER $BENCH_PASSWORD $ps_mode"; }
    [ "$writers" = one ] || { targets+=(galera-all); target_args[galera-all]="$GALERA_HOSTS $GALERA_PORT_LIST $BENCH_USER $BENCH_PASSWORD $ps_mode"; }
fi

fluxdb_status="not measured: --no-fluxdb"
if $use_fluxdb; then
    fluxdb_ok=true
    if [ -n "$fluxdb_addrs" ]; then
        fluxdb_attach "$fluxdb_addrs" "$fluxdb_engines" || fluxdb_ok=false
        fluxdb_how="the running cluster at $fluxdb_addrs"
    elif [ "$fluxdb_start" = dev ]; then
        fluxdb_dev_start "$work" 3 || fluxdb_ok=false
        fluxdb_how="fluxdb.jar dev --nodes 3"
    else
        fluxdb_run_start "$work" 3 || fluxdb_ok=false
        fluxdb_how="three fluxdb.jar run processes"
    fi
    $fluxdb_ok && { fluxdb_find_writer || fluxdb_ok=false; }
    $fluxdb_ok && { fluxdb_check_replicates 30 || fluxdb_ok=false; }
    if $fluxdb_ok; then
        # The writer first: sysbench prepares through the first address of a list.
        writer=${FLUXDB_CLIENTS[FLUXDB_WRITER]}
        fluxdb_hosts=${writer%:*}; fluxdb_ports=${writer##*:}
        for addr in "${FLUXDB_CLIENTS[@]}"; do
            [ "$addr" = "$writer" ] && continue
            fluxdb_hosts+=",${addr%:*}"; fluxdb_ports+=",${addr##*:}"
        done
        [ "$writers" = all ] || { targets+=(fluxdb); target_args[fluxdb]="${writer%:*} ${writer##*:} $FLUXDB_USER ${FLUXDB_PASSWORD:-''} $ps_mode"; }
        [ "$writers" = one ] || { targets+=(fluxdb-all); target_args[fluxdb-all]="$fluxdb_hosts $fluxdb_ports $FLUXDB_USER ${FLUXDB_PASSWORD:-''} $ps_mode"; }
        fluxdb_status="$fluxdb_how, writes through node $((FLUXDB_WRITER + 1)) ($writer)"
    else
        fluxdb_status="not measured: $FLUXDB_SKIP_REASON"
        bench_log "FluxDB skipped: $FLUXDB_SKIP_REASON"
        fluxdb_stop
    fi
fi

# sysbench for target $1 (command run; with prepare or cleanup, through its first node only).
run_sysbench() { # target out workload threads seconds [command] [extra...]
    local t=$1 file=$2 workload=$3 th=$4 secs=$5 command=${6:-run} hosts ports user password ps
    shift $(($# > 5 ? 6 : 5))
    read -r hosts ports user password ps <<<"${target_args[$t]}"
    [ "$password" = "''" ] && password=""
    if [ "$command" != run ]; then hosts=${hosts%%,*}; ports=${ports%%,*}; fi
    bench_sysbench "$file" "$command" "$workload" "$th" "$secs" "$ps" "$hosts" "$ports" "$user" "$password" "$@"
}

# Tables: created through the first node of each target (the writer for FluxDB), the same on all.
prepared=()
fluxdb_unprepared=false
for t in "${targets[@]}"; do
    [[ " ${prepared[*]} " == *" ${t%-all} "* ]] && continue
    prepared+=("${t%-all}")
    bench_log "preparing $t"
    run_sysbench "$t" "$work/cleanup-$t.txt" oltp_insert 1 0 cleanup || true
    f="$out/prepare-$t.txt"
    run_sysbench "$t" "$f" oltp_insert 1 0 prepare && continue
    if [[ $t == fluxdb* ]]; then
        fluxdb_status="not measured: sysbench prepare failed through FluxDB: $(tail -1 "$f") ($f)"
        bench_log "FluxDB skipped: $fluxdb_status"
        fluxdb_unprepared=true
        fluxdb_stop
        continue
    fi
    tail -5 "$f" >&2
    bench_die "sysbench prepare failed on $t"
done
if $fluxdb_unprepared; then
    kept=()
    for t in "${targets[@]}"; do [[ $t == fluxdb* ]] || kept+=("$t"); done
    targets=("${kept[@]}")
fi

# Warm-up: oltp_write_only at the highest thread count, for JIT and buffer pools. For FluxDB it
# is also the test of prepared statements: if they fail and the text protocol works, FluxDB's runs
# use the text protocol, said in the notes.
max_threads=$(tr ' ' '\n' <<<"$threads_list" | sort -n | tail -1)
for t in "${targets[@]}"; do
    bench_log "warm-up $t (${warmup} s)"
    f="$work/warmup-$t.txt"
    if ! run_sysbench "$t" "$f" oltp_write_only "$max_threads" "$warmup"; then
        if [[ $t == fluxdb* ]] && [ "$ps_mode" = auto ]; then
            cp "$f" "$out/warmup-$t-prepared-failed.txt"
            read -r h p u pw _ <<<"${target_args[$t]}"
            target_args[$t]="$h $p $u $pw disable"
            if run_sysbench "$t" "$f" oltp_write_only "$max_threads" "$warmup"; then
                notes+=("$t: prepared statements failed in the warm-up ($(grep -m1 -i 'error' "$out/warmup-$t-prepared-failed.txt" || true)); its runs use the text protocol (--db-ps-mode=disable)")
                continue
            fi
        fi
        cp "$f" "$out/warmup-$t-failed.txt"
        notes+=("$t: the warm-up failed ($(grep -m1 -i 'fatal\|error' "$f" || tail -1 "$f")); its runs are still tried")
    fi
done

lag_lines=()
lag_readable=false
if [[ " ${targets[*]} " == *" fluxdb"* ]] && fluxdb_applied_index "$FLUXDB_WRITER" >/dev/null; then lag_readable=true; fi

for workload in "${workloads[@]}"; do
    for th in $threads_list; do
        for t in "${targets[@]}"; do
            f="$out/$t-$workload-${th}t.txt"
            bench_log "$workload, $th thread(s), $t"
            sampling=false
            if [[ $t == fluxdb* ]] && $lag_readable; then
                fluxdb_lag_start "$out/lag-$t-$workload-${th}t.txt" "$lag_interval"
                sampling=true
            fi
            status=ok
            if ! run_sysbench "$t" "$f" "$workload" "$th" "$seconds"; then
                status=failed
                read -r h p u pw ps <<<"${target_args[$t]}"
                if [[ $t == fluxdb* ]] && [ "$ps" = auto ]; then
                    # Prepared statements may be refused for this workload only: once more in text.
                    mv "$f" "${f%.txt}-prepared-failed.txt"
                    notes+=("$t $workload $th threads: failed with prepared statements ($(grep -m1 -i 'fatal\|error' "${f%.txt}-prepared-failed.txt" || true)); measured again with the text protocol")
                    target_args[$t]="$h $p $u $pw disable"
                    run_sysbench "$t" "$f" "$workload" "$th" "$seconds" && status=ok
                    target_args[$t]="$h $p $u $pw auto"
                fi
            fi
            if $sampling; then
                fluxdb_lag_stop
                lag_lines+=("$t $workload $th threads:")
                while IFS= read -r line; do lag_lines+=("$line"); done \
                    < <(fluxdb_lag_report "$out/lag-$t-$workload-${th}t.txt" 30)
            fi
            read -r tps p95 errors reconnects <<<"$(bench_parse "$f")"
            [ "$status" = ok ] || { tps=failed; notes+=("$t $workload $th threads failed: $(grep -m1 -i 'fatal\|error' "$f" || tail -1 "$f")"); }
            protocol=$(head -1 "$f" | grep -q -- '--db-ps-mode=disable' && echo text || echo ps)
            result[$t|$workload|$th]="$tps $p95 $errors $reconnects $protocol"
        done
    done
done
if ! $lag_readable && [[ " ${targets[*]} " == *" fluxdb"* ]]; then
    if [ ${#FLUXDB_ENGINES[@]} -eq 0 ]; then
        lag_lines=("follower lag: not available (the engines' addresses are not known: --fluxdb-engines)")
    else
        lag_lines=("follower lag: not available (no applied log index readable on the engines: fluxdb.applied_log)")
    fi
fi

cell() { # target workload threads field(1 tps, 2 p95, 3 errors) -> value or "-"
    local v=${result[$1|$2|$3]:-}
    [ -n "$v" ] || { echo -; return; }
    awk -v f="$4" '{print $f}' <<<"$v"
}

p95_diff() { awk -v a="$1" -v b="$2" 'BEGIN {if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/) print "-"; else printf "%+.2f", a - b}'; }

table() { # galera-target fluxdb-target title
    local g=$1 fx=$2 workload th d gt ft dp gp fp format='%-16s %3s %10s %7s %10s %7s %10s %7s %-5s %5s %5s %5s %9s %9s %8s\n'
    echo "$3"
    # shellcheck disable=SC2059 # one format for the header and the rows
    printf "$format" workload thr direct_tps p95_ms galera_tps p95_ms fluxdb_tps p95_ms proto g/d f/d f/g \
        f-g_p95ms direct/3 errors
    for workload in "${workloads[@]}"; do
        for th in $threads_list; do
            d=$(cell direct "$workload" "$th" 1); dp=$(cell direct "$workload" "$th" 2)
            gt=$(cell "$g" "$workload" "$th" 1); gp=$(cell "$g" "$workload" "$th" 2)
            ft=$(cell "$fx" "$workload" "$th" 1); fp=$(cell "$fx" "$workload" "$th" 2)
            # shellcheck disable=SC2059
            printf "$format" "$workload" "$th" "$d" "$dp" "$gt" "$gp" "$ft" "$fp" "$(cell "$fx" "$workload" "$th" 5)" \
                "$(bench_ratio "$gt" "$d")" "$(bench_ratio "$ft" "$d")" "$(bench_ratio "$ft" "$gt")" "$(p95_diff "$fp" "$gp")" \
                "$(awk -v d="$d" 'BEGIN {if (d ~ /^[0-9.]+$/) printf "%.2f", d / 3; else print "-"}')" \
                "$(cell direct "$workload" "$th" 3)/$(cell "$g" "$workload" "$th" 3)/$(cell "$fx" "$workload" "$th" 3)"
        done
    done
}

report() {
    bench_machine_line
    echo "load average at the start: $load_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg) (the cores are shared: expect noise)"
    echo "engine: $(mariadbd --version | head -1)"
    $use_galera && echo "galera: provider $(galera_status 0 WSREP_PROVIDER_VERSION), wsrep_slave_threads=${GALERA_APPLIERS:-$(nproc)}"
    echo "fluxdb: $fluxdb_status"
    [[ " ${targets[*]} " == *" fluxdb"* ]] && [ -z "$fluxdb_addrs" ] && echo "fluxdb jar: $FLUXDB_JAR, built $(date -r "$FLUXDB_JAR" '+%F %T' 2>/dev/null || echo '?'), tree at $(git describe --always --dirty 2>/dev/null || echo '?')"
    echo "sysbench: $(sysbench --version); $seconds s per run, warm-up $warmup s, ${BENCH_TABLES:-4} tables x ${BENCH_TABLE_SIZE:-10000} rows, --db-ps-mode=$ps_mode"
    echo "all servers: innodb_flush_log_at_trx_commit=1, 64M buffer pool, no binary log; Galera adds binlog_format=ROW, innodb_autoinc_lock_mode=2"
    echo
    [ "$writers" = all ] || table galera fluxdb "writers on one node (Galera node 1; FluxDB's writer)"
    [ "$writers" = both ] && echo
    [ "$writers" = one ] || table galera-all fluxdb-all "writers spread over all three nodes (sysbench's host list, round-robin)"
    echo
    echo "g/d = Galera/direct, f/d = FluxDB/direct, f/g = FluxDB/Galera, f-g_p95ms = FluxDB p95 - Galera p95 (ms),"
    echo "proto = FluxDB's protocol: ps (server-side prepared statements) or text (--db-ps-mode=disable);"
    echo "direct and Galera use --db-ps-mode=$ps_mode."
    echo "errors = sysbench's ignored errors direct/Galera/FluxDB (deadlocks and certification conflicts, retried)."
    echo "this machine's limit: three engines share $(nproc) cores, so a 3-node cluster here can do at most about"
    echo "direct/3 (the direct/3 column, in tps), a ratio of 0.33 to direct."
    if [ ${#lag_lines[@]} -gt 0 ]; then echo; printf '%s\n' "${lag_lines[@]}"; fi
    if [ ${#notes[@]} -gt 0 ]; then echo; echo "notes:"; printf '  %s\n' "${notes[@]}"; fi
    echo
    echo "raw sysbench output: $out/"
}

report | tee "$out/summary.txt"

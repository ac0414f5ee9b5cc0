#!/usr/bin/env bash
# Whole-cluster restart: how long a 3-node FluxDB cluster takes to accept writes again after every
# node went down at once (Flux redeploys an app, a power cut), and whether it comes back by itself.
# One `fluxdb.jar run` process per node in front of its own MariaDB (bench/fluxdb-cluster.sh, run
# mode). The cluster first gets --rows rows (about 200 bytes each) through its leader; then, per
# round, every node is stopped (--mode stop: SIGTERM to operators, then engines; --mode kill:
# kill -9 of everything, as a power cut) and started again on its data: all engines at once, then,
# once they answer, all operators at once. Each round prints, from the moment the engines were
# launched:
#   engines   every engine answers (InnoDB recovery; the same for any cluster on these engines)
#   write     the first OK of an autocommit INSERT through node 1 (whichever node leads: followers
#             forward writes), polled every 100 ms with a 5 s statement timeout
#   everywhere  that row can be read on all three nodes
# and checks that every node holds every row written before the restart.
#
#   bench/restart.sh [--rounds 3] [--rows 100000] [--mode stop|kill|both] [--fluxdb-jar PATH] [--out DIR]
#
# Galera is not measured: after all its nodes went down it does not restart by itself (the node
# with the latest state must be bootstrapped by hand: galera_new_cluster, safe_to_bootstrap).
# Raw output goes to bench/results/<date>-restart/.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
# shellcheck source=bench/fluxdb-cluster.sh
. bench/fluxdb-cluster.sh

rounds=3; rows=100000; mode=both; out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds=$2; shift 2 ;;
        --rows) rows=$2; shift 2 ;;
        --mode) mode=$2; shift 2 ;;
        --fluxdb-jar) FLUXDB_JAR=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/{/^set -euo/d; s/^# \{0,1\}//; p}' "$0"; exit 0 ;;
        *) echo "unknown option $1 (--help lists them)" >&2; exit 2 ;;
    esac
done
case "$mode" in stop) modes=(stop) ;; kill) modes=(kill) ;; both) modes=(stop kill) ;;
    *) echo "--mode: stop, kill or both" >&2; exit 2 ;; esac

bench_init
bench_need mariadbd=mariadb-server mariadb=mariadb-client ss=iproute2 curl=curl
out=$(bench_results_dir restart "$out")
bench_tempdir fluxdb-restart
work=$BENCH_TEMPDIR
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

millis() { date +%s%3N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; } # from-ms to-ms

fluxdb_run_start "$work" 3 || bench_die "FluxDB did not start: $FLUXDB_SKIP_REASON"
fluxdb_find_writer || bench_die "$FLUXDB_SKIP_REASON"
writer=${FLUXDB_CLIENTS[FLUXDB_WRITER]}
bench_log "loading $rows rows through $writer"
fluxdb_sql "$writer" "CREATE TABLE sbtest.restart_rows (id INT PRIMARY KEY, payload VARCHAR(200) NOT NULL);
    CREATE TABLE sbtest.restart_marks (round VARCHAR(20) PRIMARY KEY)" || bench_die "creating the tables failed"
for ((from = 1; from <= rows; from += 10000)); do # one log entry per 10,000 rows
    to=$((from + 9999 < rows ? from + 9999 : rows))
    fluxdb_sql "$writer" "INSERT INTO sbtest.restart_rows SELECT seq, REPEAT(CHAR(65 + seq % 26), 200)
        FROM seq_${from}_to_$to ORDER BY seq" || bench_die "loading rows $from to $to failed"
done

rows_on() { [ "$(count_on "$1")" = "$rows" ]; }
count_on() { fluxdb_sql "$1" "SELECT COUNT(*) FROM sbtest.restart_rows" 2>/dev/null || echo "-"; }
has_mark() { [ "$(fluxdb_sql "$1" "SELECT COUNT(*) FROM sbtest.restart_marks WHERE round = '$2'" 2>/dev/null)" = 1 ]; }
all_have_mark() { local a; for a in "${FLUXDB_CLIENTS[@]}"; do has_mark "$a" "$1" || return 1; done; }
for addr in "${FLUXDB_CLIENTS[@]}"; do
    bench_await 600 "" rows_on "$addr" || bench_die "$addr did not get the $rows rows (it has $(count_on "$addr"))"
done

lines=()
for ((r = 1; r <= rounds; r++)); do
    for m in "${modes[@]}"; do
        tag="$m-$r"
        for i in 0 1 2; do
            if [ "$m" = kill ]; then
                fluxdb_run_kill "$i"
            else
                bench_stop "${FLUXDB_NODE_PIDS[i]}" 30; bench_forget "${FLUXDB_NODE_PIDS[i]}"
            fi
        done
        if [ "$m" = stop ]; then
            for i in 0 1 2; do bench_stop "${FLUXDB_ENGINE_PIDS[i]}" 60; bench_forget "${FLUXDB_ENGINE_PIDS[i]}"; done
        fi
        bench_log "round $tag: every node is down; starting them again"
        t0=$(millis)
        for i in 0 1 2; do fluxdb_run_engine "$i"; done
        for i in 0 1 2; do fluxdb_run_engine_await "$i" 180 || bench_die "$FLUXDB_SKIP_REASON"; done
        t_engines=$(millis)
        for i in 0 1 2; do fluxdb_run_operator "$i"; done
        t_write=""; deadline=$((SECONDS + 300))
        while [ "$SECONDS" -lt "$deadline" ]; do
            if BENCH_SQL_TIMEOUT=5 fluxdb_sql "${FLUXDB_CLIENTS[0]}" \
                "INSERT INTO sbtest.restart_marks VALUES ('$tag')" >/dev/null 2>&1 || has_mark "${FLUXDB_CLIENTS[0]}" "$tag"; then
                t_write=$(millis); break
            fi
            sleep 0.1
        done
        [ -n "$t_write" ] || bench_die "round $tag: no write succeeded within 300 s of the start"
        bench_await 120 "" all_have_mark "$tag" || bench_die "round $tag: the row did not reach every node"
        t_all=$(millis)
        counts=""
        for addr in "${FLUXDB_CLIENTS[@]}"; do counts+="${counts:+/}$(count_on "$addr")"; done
        line="| $tag | $(seconds "$t0" "$t_engines") | $(seconds "$t0" "$t_write") | $(seconds "$t0" "$t_all") | $counts |"
        bench_log "$line"
        lines+=("$line")
        for addr in "${FLUXDB_CLIENTS[@]}"; do
            [ "$(count_on "$addr")" = "$rows" ] || bench_die "round $tag: $addr lost rows: $(count_on "$addr") of $rows"
        done
        for i in 0 1 2; do cp "$work/fluxdb-$((i + 1)).log" "$out/fluxdb-$((i + 1))-$tag.log" 2>/dev/null || true; done
    done
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

{
    echo "# Whole-cluster restart, $(date '+%F %H:%M'), tree at $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
    echo "$(bench_machine_line); MariaDB $(mariadbd --version | grep -o '[0-9]*\.[0-9]*\.[0-9]*-MariaDB' | head -1)"
    echo "rows: $rows (about 200 bytes each); load average at start $load_start, at end $load_end"
    echo "seconds from launching the engines (stop: SIGTERM; kill: kill -9 of every operator and engine)"
    echo
    echo "| round | engines answer | first write OK | on every node | rows on nodes 1/2/3 |"
    echo "|---|---:|---:|---:|---|"
    printf '%s\n' "${lines[@]}"
} | tee "$out/summary.txt"
fluxdb_stop

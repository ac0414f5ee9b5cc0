#!/usr/bin/env bash
# CPU per replicated write: starts a 3-node `fluxdb.jar dev` cluster from the built jar, runs
# sysbench oltp_insert through the leader, and reads the CPU time (utime + stime from
# /proc/<pid>/stat) the operator JVM and the three mariadbd engines used during the measured run.
# Prints ms of CPU per transaction for the JVM and for the engines together, the statements the
# engines received per transaction (all three, sysbench's own included) and how many of them were
# server-side prepares, besides tps and the
# load average. Other work on the machine moves tps a lot, CPU per transaction much less: it is
# the figure to compare builds with.
#
#   bench/write-cpu.sh [--time 25] [--warmup 15] [--threads 8] [--runs 1] [--thread-report] [--jfr FILE]
#       [--tables 4] [--table-size 10000]
#
# --thread-report adds, after each run, the JVM's CPU per transaction by thread name (pools
# summed: digits in names count as one), from /proc/<pid>/task/*/stat; threads that ended during
# the run are missed.
# --runs N measures N back-to-back runs on the same cluster (one line each). --jfr FILE records a
# JFR profile (settings=profile) of the JVM during the measured runs only; the recording itself
# costs CPU, so figures taken with it are not comparable with those without.
# FLUXDB_JAVA_OPTS adds JVM options (e.g. -Xlog:gc:file=/tmp/gc.log).
#
# Needs: sysbench, mariadb-server, mariadb-client, iproute2, python3-pymysql (installed with
# apt-get when missing), and a built jar (./mvnw -q -o package -DskipTests -pl fluxdb-server -am).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
# shellcheck source=bench/fluxdb-cluster.sh
. bench/fluxdb-cluster.sh

seconds=25; warmup=15; threads=8; runs=1; jfr=""; thread_report=false
while [ $# -gt 0 ]; do
    case "$1" in
        --time) seconds=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --thread-report) thread_report=true; shift ;;
        --jfr) jfr=$(realpath -m "$2"); shift 2 ;;
        --tables) export BENCH_TABLES=$2; shift 2 ;;
        --table-size) export BENCH_TABLE_SIZE=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/{/^set -euo/d; s/^# \{0,1\}//; p}' "$0"; exit 0 ;;
        *) echo "unknown option $1 (--help lists them)" >&2; exit 2 ;;
    esac
done

bench_init
bench_need sysbench=sysbench mariadbd=mariadb-server mariadb=mariadb-client ss=iproute2
bench_need_pymysql
bench_tempdir fluxdb-write-cpu
work=$BENCH_TEMPDIR

fluxdb_dev_start "$work" 3 || bench_die "FluxDB did not start: $FLUXDB_SKIP_REASON"
fluxdb_find_writer || bench_die "$FLUXDB_SKIP_REASON"
fluxdb_check_replicates 60 || bench_die "$FLUXDB_SKIP_REASON"
writer=${FLUXDB_CLIENTS[FLUXDB_WRITER]}

# The engines' pids: whoever listens on their ports.
engine_pids=()
for addr in "${FLUXDB_ENGINES[@]}"; do
    pid=$(ss -Hltnp "sport = :${addr##*:}" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
    [ -n "$pid" ] || bench_die "no process listens on engine port ${addr##*:}"
    engine_pids+=("$pid")
done
[ "$(cat "/proc/$FLUXDB_PID/comm")" = java ] || bench_die "pid $FLUXDB_PID is not the JVM"

# "name ticks" for every thread of the JVM, digits in names replaced by #, so pools add up.
thread_ticks() {
    # A thread that ends between the listing and the read is skipped (gawk warns and goes on).
    awk '{
        name = substr($0, index($0, "(") + 1); name = substr(name, 1, match(name, /\) [A-Za-z] /) - 1)
        rest = substr($0, match($0, /\) [A-Za-z] /) + 2); split(rest, f, " ")
        gsub(/[0-9]/, "#", name); print name "\t" (f[12] + f[13])
    }' /proc/"$FLUXDB_PID"/task/*/stat 2>/dev/null || true
}

# utime + stime of the given pids, in clock ticks (all threads, not children).
cpu_ticks() { local p sum=0; for p in "$@"; do sum=$((sum + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$sum"; }
hz=$(getconf CLK_TCK)

# The statements the engines received from their clients (Questions: text queries, prepared statement executions
# and the like) and the statements prepared, summed over the engines: unlike CPU, independent of the machine's load.
engine_counts() {
    local addr sum_q=0 sum_p=0 q p
    for addr in "${FLUXDB_ENGINES[@]}"; do
        read -r q p < <(fluxdb_engine_sql "$addr" "SELECT SUM(IF(VARIABLE_NAME = 'QUESTIONS', VARIABLE_VALUE, 0)),
            SUM(IF(VARIABLE_NAME = 'COM_STMT_PREPARE', VARIABLE_VALUE, 0)) FROM information_schema.GLOBAL_STATUS")
        sum_q=$((sum_q + q)); sum_p=$((sum_p + p))
    done
    echo "$sum_q $sum_p"
}

sb() { # out command seconds
    bench_sysbench "$1" "$2" oltp_insert "$threads" "$3" auto "${writer%:*}" "${writer##*:}" "$FLUXDB_USER" "$FLUXDB_PASSWORD"
}

bench_log "preparing sbtest through $writer"
sb "$work/cleanup.txt" cleanup 0 || true
sb "$work/prepare.txt" prepare 0 || { tail -5 "$work/prepare.txt" >&2; bench_die "sysbench prepare failed"; }
bench_log "warm-up (${warmup} s)"
sb "$work/warmup.txt" run "$warmup" || { tail -5 "$work/warmup.txt" >&2; bench_die "the warm-up failed"; }

[ -z "$jfr" ] || "$JAVA_HOME/bin/jcmd" "$FLUXDB_PID" JFR.start name=writecpu settings=profile filename="$jfr" >/dev/null
echo "# fluxdb.jar dev --nodes 3, oltp_insert, $threads threads, ${seconds} s, writes through $writer${jfr:+, JFR on}"
printf '%-4s %8s %8s %12s %15s %13s %14s %s\n' run tps txns jvm_ms/txn engines_ms/txn stmts/txn prepares/txn "load average"
for ((r = 1; r <= runs; r++)); do
    thread_ticks >"$work/threads-0.txt"
    read -r q0 p0 < <(engine_counts)
    jvm0=$(cpu_ticks "$FLUXDB_PID"); eng0=$(cpu_ticks "${engine_pids[@]}")
    f="$work/run-$r.txt"
    sb "$f" run "$seconds" || { tail -5 "$f" >&2; bench_die "run $r failed"; }
    jvm1=$(cpu_ticks "$FLUXDB_PID"); eng1=$(cpu_ticks "${engine_pids[@]}")
    read -r q1 p1 < <(engine_counts)
    thread_ticks >"$work/threads-1.txt"
    txns=$(awk '/transactions:/ {print $2}' "$f")
    tps=$(bench_parse "$f" | cut -d' ' -f1)
    awk -v r="$r" -v tps="$tps" -v n="$txns" -v j=$((jvm1 - jvm0)) -v e=$((eng1 - eng0)) -v hz="$hz" \
        -v q=$((q1 - q0)) -v p=$((p1 - p0)) \
        -v la="$(cut -d' ' -f1-3 /proc/loadavg)" \
        'BEGIN {printf "%-4s %8s %8d %12.2f %15.2f %13.1f %14.2f %s\n", r, tps, n, j * 1000 / hz / n, e * 1000 / hz / n,
            q / n, p / n, la}'
    $thread_report && awk -F'\t' -v n="$txns" -v hz="$hz" 'FNR == NR {before[$1] += $2; next} {after[$1] += $2}
        END {for (k in after) if (after[k] - before[k] > 0) printf "     %8.3f ms/txn  %s\n", (after[k] - before[k]) * 1000 / hz / n, k}' \
        "$work/threads-0.txt" "$work/threads-1.txt" | sort -rn | head -25
done
if [ -n "$jfr" ]; then
    "$JAVA_HOME/bin/jcmd" "$FLUXDB_PID" JFR.stop name=writecpu >/dev/null
    echo "# JFR recording: $jfr"
fi

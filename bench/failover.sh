#!/usr/bin/env bash
# Failover under load, in one run on this machine: a writer inserts rows one after another
# (autocommit, one connection) through a node that survives; after --before seconds the script
# kill -9s another node; the figure is the time from the kill to the first OK of a write that
# began after it, through a surviving node (the writer moves to the next survivor after each error).
#   galera   3-node MariaDB Galera: the victim is any node (they are equal), round r kills node r.
#   fluxdb   3-node FluxDB, one `fluxdb.jar run` process per node in front of its own MariaDB: the
#            victim is the leader (operator and engine), the writer starts on a follower.
# After each round the victim is restarted and rejoins before the next one. Each round also checks
# that every acknowledged write is on every surviving node.
#
#   bench/failover.sh [--rounds 3] [--before 3] [--after 3] [--give-up 60] [--statement-timeout 10]
#       [--no-galera] [--no-fluxdb] [--fluxdb-leader N] [--fluxdb-jar PATH] [--out DIR]
#
# FluxDB is skipped, with the reason, when its cluster cannot be started or its nodes do not
# replicate. Which node leads is taken from --fluxdb-leader (1-based) or, failing that, is the first
# node that takes a write (right while followers refuse writes; name the leader once they forward).
# Raw output goes to bench/results/<date>-failover/; each round's JSON ends with a timeline of the
# writer's answers after the kill (ms since the kill, node, answer; repeats folded).
#
# The nodes inherit the environment: ELECTION_TIMEOUT=300ms bench/failover.sh measures FluxDB with
# that election timeout (default 1s). BENCH_KEEP=1 keeps the nodes' logs and data directories.
#
# Needs what bench/cluster-sysbench.sh needs, and python3 with PyMySQL (python3-pymysql, Debian's
# /usr/bin/python3).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
# shellcheck source=bench/galera.sh
. bench/galera.sh
# shellcheck source=bench/fluxdb-cluster.sh
. bench/fluxdb-cluster.sh

rounds=3; before=3; after=3; give_up=60; statement_timeout=10; use_galera=true; use_fluxdb=true; out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds=$2; shift 2 ;;
        --before) before=$2; shift 2 ;;
        --after) after=$2; shift 2 ;;
        --give-up) give_up=$2; shift 2 ;;
        --statement-timeout) statement_timeout=$2; shift 2 ;;
        --no-galera) use_galera=false; shift ;;
        --no-fluxdb) use_fluxdb=false; shift ;;
        --fluxdb-leader) export FLUXDB_LEADER=$2; shift 2 ;;
        --fluxdb-jar) FLUXDB_JAR=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/{/^set -euo/d; s/^# \{0,1\}//; p}' "$0"; exit 0 ;;
        *) echo "unknown option $1 (--help lists them)" >&2; exit 2 ;;
    esac
done

bench_init
bench_need mariadbd=mariadb-server mariadb=mariadb-client ss=iproute2
bench_need_pymysql
$use_galera && galera_need
out=$(bench_results_dir failover "$out")
bench_tempdir fluxdb-failover
work=$BENCH_TEMPDIR
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
lines=()

# The writer: inserts until --after seconds past the first OK after the kill (or --give-up seconds
# without one), kills the victims' process groups itself after --before seconds so that the kill
# and the writes share one clock. Prints one JSON object.
cat >"$work/writer.py" <<'PY'
import json, os, signal, sys, time
import pymysql

targets = sys.argv[1].split(",")
user, password, victims = sys.argv[2], sys.argv[3], [int(p) for p in sys.argv[4].split(",")]
before, after, give_up, statement_timeout = (float(a) for a in sys.argv[5:9])
tag = sys.argv[9]
now = time.monotonic

def connect(i):
    host, port = targets[i % len(targets)].rsplit(":", 1)
    return pymysql.connect(host=host, port=int(port), user=user, password=password, database="sbtest",
                           connect_timeout=2, read_timeout=statement_timeout, write_timeout=statement_timeout,
                           autocommit=True)

def note(at, what):
    node = targets[i % len(targets)]
    if timeline and timeline[-1][1] == node and timeline[-1][2] == what:
        timeline[-1][3] += 1
    else:
        timeline.append([round((at - kill_at) * 1000), node, what, 1])

start = now()
kill_at = first_ok_after = None
first_ok_node = None
counts = {"ok_before": 0, "failed_before": 0, "ok_after": 0, "failed_after": 0}
errors = {}
timeline = []  # after the kill: [ms since the kill, node, what happened], repeats of one answer folded
prev_ok = None
longest_gap = 0.0
i, conn = 0, None
while True:
    if kill_at is None and now() - start >= before:
        for pid in victims:
            os.killpg(pid, signal.SIGKILL)
        kill_at = now()
    if kill_at is not None:
        if first_ok_after is None and now() - kill_at > give_up:
            break
        if first_ok_after is not None and now() - first_ok_after >= after:
            break
    phase = "before" if kill_at is None else "after"
    try:
        if conn is None:
            conn = connect(i)
        began = now()
        with conn.cursor() as cursor:
            cursor.execute("INSERT INTO failover (round, node) VALUES (%s, %s)", (tag, targets[i % len(targets)]))
        done = now()
        counts["ok_" + phase] += 1
        if prev_ok is not None:
            longest_gap = max(longest_gap, done - prev_ok)
        prev_ok = done
        if kill_at is not None and first_ok_after is None and began >= kill_at:
            first_ok_after, first_ok_node = done, targets[i % len(targets)]
            note(done, "OK")
    except Exception as e:  # any failure: count it, move to the next survivor
        counts["failed_" + phase] += 1
        key = "%s %s" % (type(e).__name__, e.args[0] if e.args else "")
        errors[key] = errors.get(key, 0) + 1
        if kill_at is not None and first_ok_after is None:
            note(now(), "%s %s" % (key, str(e.args[1])[:120] if len(e.args) > 1 else ""))
        try:
            if conn is not None:
                conn.close()
        except Exception:
            pass
        conn, i = None, i + 1
        time.sleep(0.01)
print(json.dumps({
    "kill_to_first_ok_ms": None if first_ok_after is None else round((first_ok_after - kill_at) * 1000),
    "first_ok_node": first_ok_node,
    "longest_gap_between_oks_ms": round(longest_gap * 1000),
    "acknowledged": counts["ok_before"] + counts["ok_after"],
    **counts, "errors": errors, "timeline": timeline}))
PY

# One round: the writer through $1 (survivors), user $2 password $3, victims' pids $4; tag $5.
# Leaves the writer's JSON in $out/$5.json and prints nothing.
run_round() {
    # The shell's own notice of the victim's death ("Killed") would land on stderr: it is expected here.
    { /usr/bin/python3 "$work/writer.py" "$1" "$2" "$3" "$4" "$before" "$after" "$give_up" "$statement_timeout" "$5" \
        >"$out/$5.json" 2>"$out/$5.err" || true; } 2>/dev/null
}

field() { /usr/bin/python3 -c 'import json, sys; v = json.load(open(sys.argv[1])).get(sys.argv[2]); print("-" if v is None else v)' "$1" "$2" 2>/dev/null || echo -; }

# Every acknowledged write of round $1 must be on each survivor within 30 s; "yes" or what is missing.
check_acked() { # tag acknowledged sql-function addresses...
    local tag=$1 acked=$2 sql=$3 addr count verdict=yes
    shift 3
    for addr in "$@"; do
        count=-
        for _ in $(seq 1 150); do
            count=$("$sql" "$addr" "SELECT COUNT(*) FROM sbtest.failover WHERE round = '$tag'" 2>/dev/null || echo -)
            [[ $count =~ ^[0-9]+$ ]] && [ "$count" -ge "$acked" ] && break
            sleep 0.2
        done
        [[ $count =~ ^[0-9]+$ ]] && [ "$count" -ge "$acked" ] || verdict="no: $addr has $count of $acked"
    done
    echo "$verdict"
}

result_line() { # system round victim json acked-check
    printf '%-7s %5s %-22s %9s %8s %9s %13s %-24s %s\n' "$1" "$2" "$3" "$(field "$4" kill_to_first_ok_ms)" \
        "$(field "$4" longest_gap_between_oks_ms)" "$(field "$4" acknowledged)" \
        "$(field "$4" failed_before)/$(field "$4" failed_after)" "$(field "$4" first_ok_node)" "$5"
}

create_table() { echo "CREATE TABLE IF NOT EXISTS sbtest.failover (id BIGINT AUTO_INCREMENT PRIMARY KEY,
    round VARCHAR(32) NOT NULL, node VARCHAR(64) NOT NULL, at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6))"; }

if $use_galera; then
    bench_log "starting the 3-node Galera cluster"
    galera_start "$work" 3
    bench_sql "127.0.0.1:${GALERA_PORTS[0]}" "$(create_table)"
    # Reads that check the acknowledged writes wait for the node to apply everything before them.
    galera_read() { BENCH_SQL_TIMEOUT=10 bench_sql "$1" "SET SESSION wsrep_sync_wait = 1; $2"; }
    for ((r = 1; r <= rounds; r++)); do
        v=$(((r - 1) % 3)); s1=$(((v + 1) % 3)); s2=$(((v + 2) % 3))
        survivors="127.0.0.1:${GALERA_PORTS[s1]},127.0.0.1:${GALERA_PORTS[s2]}"
        tag=galera-$r
        bench_log "round $r: writes through node $((s1 + 1)), kill -9 of Galera node $((v + 1))"
        run_round "$survivors" "$BENCH_USER" "$BENCH_PASSWORD" "${GALERA_PIDS[v]}" "$tag"
        galera_kill "$v"
        check=$(check_acked "$tag" "$(field "$out/$tag.json" acknowledged)" galera_read \
            "127.0.0.1:${GALERA_PORTS[s1]}" "127.0.0.1:${GALERA_PORTS[s2]}")
        lines+=("$(result_line galera "$r" "node $((v + 1)) (any)" "$out/$tag.json" "$check")")
        if [ "$r" -lt "$rounds" ]; then
            galera_start_node "$v"
            galera_await_size 3 60 || bench_die "Galera node $((v + 1)) did not rejoin"
        fi
    done
    galera_provider_version=$(galera_status "$s1" WSREP_PROVIDER_VERSION)
    galera_stop
fi

fluxdb_status="not measured: --no-fluxdb"
if $use_fluxdb; then
    fluxdb_ok=true
    fluxdb_run_start "$work" 3 || fluxdb_ok=false
    $fluxdb_ok && { fluxdb_find_writer || fluxdb_ok=false; }
    $fluxdb_ok && { fluxdb_check_replicates 30 || fluxdb_ok=false; }
    $fluxdb_ok && { fluxdb_sql "${FLUXDB_CLIENTS[FLUXDB_WRITER]}" "$(create_table)" >/dev/null 2>&1 \
        || fluxdb_skip "CREATE TABLE sbtest.failover failed through the leader" || fluxdb_ok=false; }
    if $fluxdb_ok; then
        fluxdb_status="three fluxdb.jar run processes ($FLUXDB_JAR), each with its own MariaDB"
        for ((r = 1; r <= rounds; r++)); do
            fluxdb_find_writer || { lines+=("fluxdb  $r: no leader found: $FLUXDB_SKIP_REASON"); break; }
            v=$FLUXDB_WRITER; s1=$(((v + 1) % 3)); s2=$(((v + 2) % 3))
            tag=fluxdb-$r
            bench_log "round $r: writes through node $((s1 + 1)), kill -9 of FluxDB node $((v + 1)) (the leader)"
            run_round "${FLUXDB_CLIENTS[s1]},${FLUXDB_CLIENTS[s2]}" "$FLUXDB_USER" "$FLUXDB_PASSWORD" \
                "${FLUXDB_NODE_PIDS[v]},${FLUXDB_ENGINE_PIDS[v]}" "$tag"
            fluxdb_run_kill "$v"
            check=$(check_acked "$tag" "$(field "$out/$tag.json" acknowledged)" fluxdb_sql \
                "${FLUXDB_CLIENTS[s1]}" "${FLUXDB_CLIENTS[s2]}")
            lines+=("$(result_line fluxdb "$r" "node $((v + 1)) (leader)" "$out/$tag.json" "$check")")
            if [ "$r" -lt "$rounds" ]; then
                fluxdb_run_node "$v" || { lines+=("fluxdb: node $((v + 1)) did not restart: $FLUXDB_SKIP_REASON"); break; }
                fluxdb_await_client "${FLUXDB_CLIENTS[v]}" 240 "${FLUXDB_NODE_PIDS[v]}" "$work/fluxdb-$((v + 1)).log" \
                    || { lines+=("fluxdb: node $((v + 1)) did not answer after its restart"); break; }
            fi
        done
    else
        fluxdb_status="not measured: $FLUXDB_SKIP_REASON"
        bench_log "FluxDB skipped: $FLUXDB_SKIP_REASON"
    fi
    fluxdb_stop
fi

{
    bench_machine_line
    echo "load average at the start: $load_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg) (the cores are shared: expect noise)"
    echo "engine: $(mariadbd --version | head -1)"
    $use_galera && echo "galera: provider ${galera_provider_version:-?}, default timeouts (evs.suspect_timeout PT5S, evs.inactive_timeout PT15S)"
    echo "fluxdb: $fluxdb_status; ELECTION_TIMEOUT=${ELECTION_TIMEOUT:-1s (the default)}"
    echo "writer: one connection, autocommit INSERTs one after another, statement timeout $statement_timeout s;" \
        "kill -9 after $before s; runs $after s past the first OK after the kill (gives up after $give_up s)"
    echo
    printf '%-7s %5s %-22s %9s %8s %9s %13s %-24s %s\n' system round killed kill_to_ok longest acked \
        failed_b/a first_ok_through acked_on_survivors
    printf '%-7s %5s %-22s %9s %8s %9s %13s %-24s %s\n' "" "" "" ms gap_ms "" "" "" ""
    printf '%s\n' "${lines[@]}"
    echo
    echo "kill_to_ok: kill -9 to the first OK of a write that began after it; longest gap: between two OKs in the"
    echo "round; failed_b/a: failed writes before/after the kill; errors by kind in the JSON files."
    echo "raw output: $out/"
} | tee "$out/summary.txt"
for f in "$out"/*.err; do [ -s "$f" ] || rm -f "$f"; done

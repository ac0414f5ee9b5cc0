# shellcheck shell=bash
# The FluxDB side of the cluster benchmarks (sourced after bench/lib.sh and bench_init): starts a
# 3-node FluxDB cluster from the built jar, or attaches to one that runs already, checks that it
# replicates, finds the node that takes writes, and reads follower lag.
#
# Two ways to start one:
#   fluxdb_dev_start  `fluxdb.jar dev --nodes N --base-port P --data-dir D`: all nodes in one JVM,
#                     each with a managed engine; node i has client port P+i and engine port P+400+i.
#   fluxdb_run_start  one `fluxdb.jar run` process per node, each in front of a MariaDB started here
#                     with the direct baseline's options, peers given with --peers: what kill -9 of
#                     one node needs (bench/failover.sh).
# Or fluxdb_attach "HOST:PORT,..." ["ENGINE-HOST:PORT,..."] for a cluster started elsewhere.
#
# Every function that can fail leaves the reason in FLUXDB_SKIP_REASON and returns 1, so that a
# benchmark can skip the FluxDB part and still measure the others.

FLUXDB_CLIENTS=()   # host:port of each node's MySQL port
FLUXDB_ENGINES=()   # host:port of each node's engine, when known (lag), else empty
FLUXDB_NODE_PIDS=() # run mode: each node's operator (process group)
FLUXDB_ENGINE_DIRS=()
FLUXDB_ENGINE_PIDS=()
FLUXDB_PID=""       # dev mode: the one JVM
FLUXDB_SKIP_REASON=""
FLUXDB_USER=${FLUXDB_USER:-root}
FLUXDB_PASSWORD=${FLUXDB_PASSWORD:-}
FLUXDB_ENGINE_USER=${FLUXDB_ENGINE_USER:-root}
FLUXDB_ENGINE_PASSWORD=${FLUXDB_ENGINE_PASSWORD:-}
FLUXDB_JAR=${FLUXDB_JAR:-fluxdb-server/target/fluxdb.jar}

# shellcheck disable=SC2034 # read by the scripts that source this file
fluxdb_skip() { FLUXDB_SKIP_REASON=$*; return 1; }

fluxdb_sql() { # host:port sql
    local host=${1%:*} port=${1##*:}
    timeout "${BENCH_SQL_TIMEOUT:-20}" mariadb --no-defaults --connect-timeout=5 -h"$host" -P"$port" \
        -u"$FLUXDB_USER" ${FLUXDB_PASSWORD:+-p"$FLUXDB_PASSWORD"} -N -B -e "$2"
}

fluxdb_engine_sql() { # host:port sql
    local host=${1%:*} port=${1##*:}
    timeout "${BENCH_SQL_TIMEOUT:-20}" mariadb --no-defaults --connect-timeout=5 -h"$host" -P"$port" \
        -u"$FLUXDB_ENGINE_USER" ${FLUXDB_ENGINE_PASSWORD:+-p"$FLUXDB_ENGINE_PASSWORD"} -N -B -e "$2"
}

# The JDK the build uses (bin/find-jdk.sh) and the jar; fails with the reason.
fluxdb_java() {
    [ -f "$FLUXDB_JAR" ] || fluxdb_skip "no $FLUXDB_JAR (build it: ./mvnw -q package -DskipTests)" || return 1
    # shellcheck source=bin/find-jdk.sh
    . bin/find-jdk.sh
    fluxdb_find_jdk >/dev/null 2>&1 || fluxdb_skip "no JDK 21+ found (bin/find-jdk.sh)" || return 1
}

# Waits until the client port $1 answers, while the process $3 lives; on failure the reason
# names the process's last log lines.
fluxdb_await_client() { # host:port timeout pid log
    bench_await "$2" "$3" fluxdb_sql "$1" "SELECT 1" && return 0
    if ! kill -0 "$3" 2>/dev/null; then
        fluxdb_skip "FluxDB exited while starting; last lines of $4:
$(grep -v '^\s*at ' "$4" | tail -8)"
    else
        fluxdb_skip "FluxDB node $1 did not answer within $2 s; last lines of $4:
$(tail -8 "$4")"
    fi
}

fluxdb_dev_start() { # parent-dir [nodes]
    local dir=$1/fluxdb-dev n=${2:-3} base i offsets=()
    fluxdb_java || return 1
    for i in 0 100 200 300 400; do offsets+=($((i)) $((i + n - 1))); done
    base=$(bench_free_base "${offsets[@]}")
    FLUXDB_CLIENTS=(); FLUXDB_ENGINES=()
    for ((i = 0; i < n; i++)); do
        FLUXDB_CLIENTS+=("127.0.0.1:$((base + i))"); FLUXDB_ENGINES+=("127.0.0.1:$((base + 400 + i))")
    done
    mkdir -p "$dir"
    bench_log "starting FluxDB: $FLUXDB_JAR dev --nodes $n --base-port $base"
    # shellcheck disable=SC2086 # FLUXDB_JAVA_OPTS is a list of JVM options
    bench_spawn "$dir/fluxdb.log" "$JAVA_HOME/bin/java" -XX:+UseParallelGC ${FLUXDB_JAVA_OPTS:-} \
        --enable-native-access=ALL-UNNAMED -jar "$FLUXDB_JAR" dev --nodes "$n" --base-port "$base" --data-dir "$dir/data"
    FLUXDB_PID=$BENCH_SPAWNED
    for i in "${!FLUXDB_CLIENTS[@]}"; do
        fluxdb_await_client "${FLUXDB_CLIENTS[i]}" "${FLUXDB_START_TIMEOUT:-240}" "$FLUXDB_PID" "$dir/fluxdb.log" || return 1
    done
}

# Node i: client port base+i, internal API base+10+i, Raft base+20+i, UI base+30+i, engine base+40+i.
fluxdb_run_start() { # parent-dir [nodes]
    local parent=$1 n=${2:-3} base i offsets=()
    fluxdb_java || return 1
    for i in 0 10 20 30 40; do offsets+=($((i)) $((i + n - 1))); done
    base=$(bench_free_base "${offsets[@]}")
    FLUXDB_CLIENTS=(); FLUXDB_ENGINES=(); FLUXDB_NODE_PIDS=(); FLUXDB_ENGINE_DIRS=(); FLUXDB_ENGINE_PIDS=()
    FLUXDB_RUN_BASE=$base; FLUXDB_RUN_N=$n; FLUXDB_RUN_PARENT=$parent
    FLUXDB_RUN_SECRET=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
    for ((i = 0; i < n; i++)); do
        FLUXDB_CLIENTS+=("127.0.0.1:$((base + i))"); FLUXDB_ENGINES+=("127.0.0.1:$((base + 40 + i))")
        FLUXDB_ENGINE_DIRS+=("$parent/fluxdb-engine-$((i + 1))"); FLUXDB_ENGINE_PIDS+=(""); FLUXDB_NODE_PIDS+=("")
        bench_mariadb_cnf "${FLUXDB_ENGINE_DIRS[i]}" $((base + 40 + i))
        bench_mariadb_install "${FLUXDB_ENGINE_DIRS[i]}" || fluxdb_skip "mariadb-install-db failed" || return 1
    done
    for ((i = 0; i < n; i++)); do fluxdb_run_node "$i" || return 1; done
    for ((i = 0; i < n; i++)); do
        fluxdb_await_client "${FLUXDB_CLIENTS[i]}" "${FLUXDB_START_TIMEOUT:-240}" "${FLUXDB_NODE_PIDS[i]}" \
            "$parent/fluxdb-$((i + 1)).log" || return 1
    done
}

# Starts (or restarts, on its existing data) node i of a run-mode cluster: its engine, then its operator.
fluxdb_run_node() { # index
    fluxdb_run_engine "$1"
    fluxdb_run_engine_await "$1" 120 || return 1
    fluxdb_run_operator "$1"
}

# Starts node i's engine (on its existing data), without waiting for it.
fluxdb_run_engine() { # index
    local edir=${FLUXDB_ENGINE_DIRS[$1]}
    bench_spawn "$edir/mariadbd.out" mariadbd --defaults-file="$edir/my.cnf"
    FLUXDB_ENGINE_PIDS[$1]=$BENCH_SPAWNED
}

# Waits up to $2 seconds for node i's engine to answer.
fluxdb_run_engine_await() { # index timeout
    local edir=${FLUXDB_ENGINE_DIRS[$1]}
    bench_await "$2" "${FLUXDB_ENGINE_PIDS[$1]}" bench_sql_socket "$edir" "SELECT 1" \
        || fluxdb_skip "the engine of FluxDB node $(($1 + 1)) did not start: $(tail -5 "$edir/error.log")"
}

# Starts node i's operator in front of its engine.
fluxdb_run_operator() { # index
    local i=$1 j peers="" base=$FLUXDB_RUN_BASE
    FLUXDB_UI_OFFSET=30
    for ((j = 0; j < FLUXDB_RUN_N; j++)); do
        [ "$j" -eq "$i" ] || peers+="${peers:+,}127.0.0.1:$((base + 10 + j))"
    done
    # shellcheck disable=SC2086 # FLUXDB_JAVA_OPTS is a list of JVM options
    CLUSTER_SECRET=$FLUXDB_RUN_SECRET DB_INIT_PASS=$FLUXDB_ENGINE_PASSWORD bench_spawn \
        "$FLUXDB_RUN_PARENT/fluxdb-$((i + 1)).log" "$JAVA_HOME/bin/java" -XX:+UseParallelGC ${FLUXDB_JAVA_OPTS:-} \
        --enable-native-access=ALL-UNNAMED -jar "$FLUXDB_JAR" run \
        --db-host "127.0.0.1:$((base + 40 + i))" --db-user "$FLUXDB_ENGINE_USER" --bind-address 127.0.0.1 \
        --whitelist 127.0.0.1 --port $((base + i)) --api-listen-port $((base + 10 + i)) --api-port $((base + 10 + i)) \
        --raft-port $((base + 20 + i)) --ui-port $((base + 30 + i)) --peers "$peers" \
        --data-dir "$FLUXDB_RUN_PARENT/fluxdb-data-$((i + 1))"
    FLUXDB_NODE_PIDS[i]=$BENCH_SPAWNED
}

# kill -9 of run-mode node i: its operator and its engine, as when the machine dies.
fluxdb_run_kill() { # index
    local pid
    for pid in "${FLUXDB_NODE_PIDS[$1]}" "${FLUXDB_ENGINE_PIDS[$1]}"; do
        [ -n "$pid" ] || continue
        kill -KILL -- "-$pid" 2>/dev/null || true
        { wait "$pid"; } 2>/dev/null || true
        bench_forget "$pid"
    done
    FLUXDB_NODE_PIDS[$1]=""; FLUXDB_ENGINE_PIDS[$1]=""
}

fluxdb_attach() { # "HOST:PORT,..." ["ENGINE-HOST:PORT,..."]
    local addr
    IFS=, read -r -a FLUXDB_CLIENTS <<<"$1"
    FLUXDB_ENGINES=()
    [ -z "${2:-}" ] || IFS=, read -r -a FLUXDB_ENGINES <<<"$2"
    for addr in "${FLUXDB_CLIENTS[@]}"; do
        fluxdb_sql "$addr" "SELECT 1" >/dev/null 2>&1 || fluxdb_skip "FluxDB node $addr does not answer as $FLUXDB_USER" || return 1
    done
}

fluxdb_stop() {
    local pid
    [ -z "$FLUXDB_PID" ] || { bench_stop "$FLUXDB_PID" 60; bench_forget "$FLUXDB_PID"; FLUXDB_PID=""; }
    for pid in "${FLUXDB_NODE_PIDS[@]}" "${FLUXDB_ENGINE_PIDS[@]}"; do
        [ -n "$pid" ] || continue
        bench_stop "$pid" 30; bench_forget "$pid"
    done
    FLUXDB_NODE_PIDS=(); FLUXDB_ENGINE_PIDS=()
}

# The node (index from 0) that takes writes, in FLUXDB_WRITER: the one named with FLUXDB_LEADER
# (1-based), else the leader, the node whose master probe (GET / on its UI port, the client port
# + FLUXDB_UI_OFFSET: 300 in the layout of `fluxdb dev`, 30 in run mode's) answers 200, else the first whose write
# succeeds (every node takes writes: followers forward them to the leader).
fluxdb_find_writer() {
    local i host port leader=${FLUXDB_LEADER:-}
    local deadline=$((SECONDS + 30))
    # An election may still run (after a kill): ask again for up to 30 s before falling back.
    while [ -z "$leader" ] && command -v curl >/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
        for i in "${!FLUXDB_CLIENTS[@]}"; do
            host=${FLUXDB_CLIENTS[i]%:*}; port=${FLUXDB_CLIENTS[i]##*:}
            if [ "$(curl -s -o /dev/null -m 3 -w '%{http_code}' "http://$host:$((port + ${FLUXDB_UI_OFFSET:-300}))/")" = 200 ]; then
                leader=$((i + 1))
                break
            fi
        done
        [ -n "$leader" ] || sleep 0.5
    done
    if [ -n "$leader" ]; then
        FLUXDB_WRITER=$((leader - 1))
        fluxdb_sql "${FLUXDB_CLIENTS[FLUXDB_WRITER]}" "CREATE DATABASE IF NOT EXISTS sbtest" >/dev/null 2>&1 && return 0
        fluxdb_skip "node $leader (${FLUXDB_CLIENTS[FLUXDB_WRITER]}) refuses writes"
        return 1
    fi
    for i in "${!FLUXDB_CLIENTS[@]}"; do
        if fluxdb_sql "${FLUXDB_CLIENTS[i]}" "CREATE DATABASE IF NOT EXISTS sbtest" >/dev/null 2>&1; then
            FLUXDB_WRITER=$i
            return 0
        fi
    done
    fluxdb_skip "no node took a write (CREATE DATABASE sbtest): $(fluxdb_sql "${FLUXDB_CLIENTS[0]}" \
        "CREATE DATABASE IF NOT EXISTS sbtest" 2>&1 | tail -1)"
}

# A row written through the writer must appear on every other node within $1 seconds: without
# that, the nodes are independent servers and no figure of theirs is a cluster's.
fluxdb_check_replicates() { # timeout
    local marker i
    marker=$RANDOM$RANDOM
    fluxdb_sql "${FLUXDB_CLIENTS[FLUXDB_WRITER]}" "CREATE TABLE IF NOT EXISTS sbtest.bench_marker (id BIGINT PRIMARY KEY);
        INSERT INTO sbtest.bench_marker VALUES ($marker)" >/dev/null 2>&1 \
        || fluxdb_skip "the writer ${FLUXDB_CLIENTS[FLUXDB_WRITER]} refused the marker row" || return 1
    for i in "${!FLUXDB_CLIENTS[@]}"; do
        [ "$i" -eq "$FLUXDB_WRITER" ] && continue
        bench_await "$1" "" fluxdb_has_marker "${FLUXDB_CLIENTS[i]}" "$marker" \
            || fluxdb_skip "a row written on ${FLUXDB_CLIENTS[FLUXDB_WRITER]} did not reach ${FLUXDB_CLIENTS[i]} within $1 s: the nodes do not replicate" \
            || return 1
    done
}

fluxdb_has_marker() { [ "$(fluxdb_sql "$1" "SELECT COUNT(*) FROM sbtest.bench_marker WHERE id = $2")" = 1 ]; }

# Follower lag hook. FluxDB does not publish its applied index yet; until its status API does,
# this reads what each engine records itself: the highest log index in fluxdb.applied_log, or the
# floor in fluxdb.applied_floor once older rows are pruned. FLUXDB_APPLIED_INDEX_SQL replaces the
# query. Prints the index, or fails when it is not available.
fluxdb_applied_index() { # node-index
    local engine=${FLUXDB_ENGINES[$1]:-} value
    [ -n "$engine" ] || return 1
    if [ -z "${FLUXDB_APPLIED_INDEX_SQL:-}" ]; then
        FLUXDB_APPLIED_INDEX_SQL="SELECT COALESCE(MAX(idx), 0) FROM fluxdb.applied_log"
        value=$(BENCH_SQL_TIMEOUT=5 fluxdb_engine_sql "$engine" "SELECT COUNT(*) FROM information_schema.TABLES
            WHERE TABLE_SCHEMA = 'fluxdb' AND TABLE_NAME = 'applied_floor'" 2>/dev/null) || true
        [ "$value" != 1 ] || FLUXDB_APPLIED_INDEX_SQL="SELECT GREATEST(COALESCE((SELECT MAX(idx) FROM fluxdb.applied_log), 0),
            COALESCE((SELECT MAX(idx) FROM fluxdb.applied_floor), 0))"
    fi
    value=$(BENCH_SQL_TIMEOUT=5 fluxdb_engine_sql "$engine" "$FLUXDB_APPLIED_INDEX_SQL" 2>/dev/null) || return 1
    [[ $value =~ ^[0-9]+$ ]] || return 1
    echo "$value"
}

# Samples every engine's applied index every $2 seconds into $1, in the background (one Python
# process with a connection per engine), until fluxdb_lag_stop.
fluxdb_lag_start() { # out interval-seconds
    FLUXDB_ENGINE_USER=$FLUXDB_ENGINE_USER FLUXDB_ENGINE_PASSWORD=$FLUXDB_ENGINE_PASSWORD \
        FLUXDB_APPLIED_INDEX_SQL=${FLUXDB_APPLIED_INDEX_SQL:-} \
        bench_spawn "$1" /usr/bin/python3 bench/applied_index.py sample "$2" "${FLUXDB_ENGINES[@]}"
    FLUXDB_LAG_PID=$BENCH_SPAWNED
}

fluxdb_lag_stop() { bench_stop "$FLUXDB_LAG_PID" 5; bench_forget "$FLUXDB_LAG_PID"; }

# Summarises the samples of one run, then times how long each follower takes to reach the index
# the writer has once the load has stopped (waiting at most $2 s). One line per follower: the most
# entries it was behind the writer in any sample; the longest it took to reach an index the writer
# had in a sample (to within the sampling interval); and its catch-up after the load.
fluxdb_lag_report() { # samples-file timeout
    local w=$FLUXDB_WRITER i k=0 catch_up followers=()
    for i in "${!FLUXDB_ENGINES[@]}"; do [ "$i" -eq "$w" ] || followers+=("${FLUXDB_ENGINES[i]}"); done
    catch_up=$(FLUXDB_ENGINE_USER=$FLUXDB_ENGINE_USER FLUXDB_ENGINE_PASSWORD=$FLUXDB_ENGINE_PASSWORD \
        FLUXDB_APPLIED_INDEX_SQL=${FLUXDB_APPLIED_INDEX_SQL:-} timeout $(($2 + 30)) \
        /usr/bin/python3 bench/applied_index.py catch-up "$2" "${FLUXDB_ENGINES[w]}" "${followers[@]}" 2>&1 | tail -1)
    read -r -a catch_up <<<"$catch_up"
    for i in "${!FLUXDB_ENGINES[@]}"; do
        [ "$i" -eq "$w" ] && continue
        k=$((k + 1))
        awk -v w=$((w + 2)) -v f=$((i + 2)) -v node=$((i + 1)) -v caught="${catch_up[k]:-?}" '
            $w ~ /^[0-9]+$/ && $f ~ /^[0-9]+$/ {t[n] = $1; lw[n] = $w; lf[n] = $f; n++}
            END {
                if (n == 0) {printf "  follower lag, node %d: not available (no samples)\n", node; exit}
                for (k = 0; k < n; k++) {
                    if (lw[k] - lf[k] > entries) entries = lw[k] - lf[k]
                    for (j = k; j < n && lf[j] < lw[k]; j++) ;
                    if (j < n && (t[j] - t[k]) * 1000 > ms) ms = (t[j] - t[k]) * 1000
                }
                printf "  follower lag, node %d: at most %d entries behind, reached the writer'"'"'s index within %.0f ms" \
                    " (%d samples); caught up %s ms after the load\n", node, entries, ms, n, caught
            }' "$1"
    done
}

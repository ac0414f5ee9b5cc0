#!/usr/bin/env bash
# Snapshot copy speed: FluxDB's engine dump streamed into a second engine (what a joining node's
# install does, without the internal API's TLS hop) against `mariadb-dump | mariadb` between the same
# two engines. Both engines run on this machine, started here with the settings of the other
# benchmarks (bench/lib.sh); the data is one schema of N MB (rows of 1 KiB text and a few numbers).
#
#   ./mvnw -q package -DskipTests
#   bench/snapshot.sh [--megabytes 200] [--connections "1 2"] [--before-jar JAR] [--results DIR]
#
# --connections runs FluxDB's copy once per count of loader connections (DumpTool --connections N),
# in the order given; without it, once with the loader's default. --before-jar also runs the copy of
# another build (an older fluxdb.jar, with its own defaults) on the same data: where the word
# "before" stands in the --connections list, else first. --results keeps the printed lines in
# DIR/snapshot-<MB>mb-<time>.txt. --from-file dumps the source to a file once (DumpTool dump) and
# times loading that file into the target (DumpTool load), the loader without the dump beside it.
#
# Prints one line per method: seconds and MB/s (MB of table data as information_schema reports it),
# and the load average before and after the copies (the machine may be shared).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
. bench/fluxdb-cluster.sh
bench_init

MEGABYTES=200
CONNECTIONS=""
BEFORE_JAR=""
RESULTS=""
FROM_FILE=""
while [ $# -gt 0 ]; do
    case $1 in
        --megabytes) MEGABYTES=$2; shift 2 ;;
        --connections) CONNECTIONS=$2; shift 2 ;;
        --before-jar) BEFORE_JAR=$2; shift 2 ;;
        --results) RESULTS=$2; shift 2 ;;
        --from-file) FROM_FILE=1; shift ;;
        *) bench_die "unknown option $1" ;;
    esac
done
[ -z "$BEFORE_JAR" ] || [ -f "$BEFORE_JAR" ] || bench_die "no such jar: $BEFORE_JAR"
if [ -n "$RESULTS" ]; then
    mkdir -p "$RESULTS"
    exec > >(tee "$RESULTS/snapshot-${MEGABYTES}mb-$(date +%H%M%S).txt")
fi
bench_need mariadb mariadbd mariadb-install-db mariadb-dump
fluxdb_java || bench_die "$FLUXDB_SKIP_REASON"

bench_tempdir fluxdb-snapshot-bench; root=$BENCH_TEMPDIR
start_engine() { # name -> sets PORT
    local dir=$root/$1
    PORT=$(bench_free_base 0)
    bench_mariadb_cnf "$dir" "$PORT" "innodb_buffer_pool_size=512M" "innodb_log_file_size=256M" "max_allowed_packet=64M"
    bench_mariadb_install "$dir" || bench_die "mariadb-install-db failed for $1"
    bench_spawn "$dir/mariadbd.out" mariadbd --defaults-file="$dir/my.cnf"
    bench_await 120 "$BENCH_SPAWNED" bench_sql_socket "$dir" "SELECT 1" || bench_die "MariaDB $1 did not start"
    bench_create_account "$dir"
}
start_engine source; SOURCE=127.0.0.1:$PORT
start_engine target; TARGET=127.0.0.1:$PORT

rows=$((MEGABYTES * 1024))
bench_log "loading $MEGABYTES MB ($rows rows) into the source"
BENCH_SQL_TIMEOUT=3600 bench_sql "$SOURCE" "CREATE DATABASE shop;
    CREATE TABLE shop.items (id BIGINT PRIMARY KEY, price DECIMAL(12,2), at DATETIME(6), note VARCHAR(1100));
    INSERT INTO shop.items SELECT seq, seq % 10000 / 100, '2024-01-01' + INTERVAL seq SECOND,
        RPAD(MD5(seq), 1024, SHA2(seq, 256)) FROM shop.seq_1_to_$rows;
    CREATE TABLE shop.orders (id BIGINT PRIMARY KEY, item BIGINT, qty INT, KEY (item));
    INSERT INTO shop.orders SELECT seq, seq % $rows + 1, seq % 7 FROM shop.seq_1_to_$((rows / 2));"
bench_sql "$SOURCE" "ANALYZE TABLE shop.items, shop.orders" >/dev/null
size=$(bench_sql "$SOURCE" "SELECT ROUND(SUM(DATA_LENGTH + INDEX_LENGTH) / 1048576) FROM information_schema.TABLES
    WHERE TABLE_SCHEMA = 'shop'")
checksum() { bench_sql "$1" "CHECKSUM TABLE shop.items, shop.orders" | awk '{print $2}' | tr '\n' ' '; }
expected=$(checksum "$SOURCE")

report() { # method seconds
    local rate
    rate=$(awk -v mb="$size" -v s="$2" 'BEGIN { printf "%.1f", mb / s }')
    printf '%-34s %7.1f s  %6s MB/s  (%s MB)\n' "$1" "$2" "$rate" "$size"
}
verify() {
    [ "$(checksum "$TARGET")" = "$expected" ] || bench_die "$1: the target's checksums differ from the source's"
    bench_sql "$TARGET" "DROP DATABASE shop"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
bench_log "mariadb-dump | mariadb"
t0=$(date +%s.%N)
mariadb-dump --no-defaults -h127.0.0.1 -P"${SOURCE##*:}" -u"$BENCH_USER" -p"$BENCH_PASSWORD" --single-transaction \
    --routines --triggers --events --databases shop \
    | mariadb --no-defaults -h127.0.0.1 -P"${TARGET##*:}" -u"$BENCH_USER" -p"$BENCH_PASSWORD"
t1=$(date +%s.%N)
verify "mariadb-dump | mariadb"
report "mariadb-dump | mariadb" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"

tool() { "$JAVA_HOME/bin/java" -cp "$1" io.fluxdb.engine.mysql.snapshot.DumpTool "${@:2}" >/dev/null; }
if [ -n "$FROM_FILE" ]; then
    bench_log "FluxDB dump to a file"
    t0=$(date +%s.%N)
    tool "$FLUXDB_JAR" dump "$SOURCE" "$BENCH_USER" "$BENCH_PASSWORD" "$root/shop.fxdump"
    t1=$(date +%s.%N)
    report "FluxDB dump to a file" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
fi
flux_copy() { # label jar [--connections N]
    local label=$1 jar=$2
    shift 2
    [ -z "$FROM_FILE" ] || label="${label/dump -> load/load of the file}"
    bench_log "$label"
    t0=$(date +%s.%N)
    if [ -n "$FROM_FILE" ]; then
        tool "$jar" "$@" load "$root/shop.fxdump" "$TARGET" "$BENCH_USER" "$BENCH_PASSWORD"
    else
        tool "$jar" "$@" copy "$SOURCE" "$BENCH_USER" "$BENCH_PASSWORD" "$TARGET" "$BENCH_USER" "$BENCH_PASSWORD"
    fi
    t1=$(date +%s.%N)
    verify "$label"
    report "$label" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
}
runs=${CONNECTIONS//,/ }
if [ -n "$BEFORE_JAR" ] && [[ " $runs " != *" before "* ]]; then
    runs="before $runs"
fi
for n in ${runs:-default}; do
    case $n in
        default) flux_copy "FluxDB dump -> load" "$FLUXDB_JAR" ;;
        before)
            [ -n "$BEFORE_JAR" ] || bench_die "--connections names 'before' without --before-jar"
            flux_copy "FluxDB dump -> load (before)" "$BEFORE_JAR" ;;
        *) flux_copy "FluxDB dump -> load ($n conn)" "$FLUXDB_JAR" --connections "$n" ;;
    esac
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

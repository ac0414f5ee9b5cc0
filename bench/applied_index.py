"""Reads the highest applied log index of each FluxDB engine, for bench/fluxdb-cluster.sh's lag hook.

One long-lived process with one connection per engine, so that sampling during a measured run costs
a query per engine per interval rather than a client process per engine per interval.

  applied_index.py sample INTERVAL_S ENGINE...      one line "unix_seconds idx0 idx1 ..." per interval,
                                                    "-" where an engine does not answer, until SIGTERM
  applied_index.py catch-up TIMEOUT_S WRITER ENGINE...
                                                    the writer's index now, then for each other engine the
                                                    milliseconds until it reaches it ("timeout" past TIMEOUT_S)

ENGINE is host:port. The account is FLUXDB_ENGINE_USER / FLUXDB_ENGINE_PASSWORD (default root, empty);
FLUXDB_APPLIED_INDEX_SQL replaces the query (default: the highest index in fluxdb.applied_log, or the
floor in fluxdb.applied_floor when that table exists).
"""
import os
import signal
import sys
import time

import pymysql

LOG_ONLY = "SELECT COALESCE(MAX(idx), 0) FROM fluxdb.applied_log"
WITH_FLOOR = ("SELECT GREATEST(COALESCE((SELECT MAX(idx) FROM fluxdb.applied_log), 0),"
              " COALESCE((SELECT MAX(idx) FROM fluxdb.applied_floor), 0))")


class Engine:
    def __init__(self, address):
        self.host, port = address.rsplit(":", 1)
        self.port = int(port)
        self.conn = None
        self.sql = os.environ.get("FLUXDB_APPLIED_INDEX_SQL") or None

    def index(self):
        """The applied index, or None when the engine does not answer."""
        try:
            if self.conn is None:
                self.conn = pymysql.connect(host=self.host, port=self.port,
                                            user=os.environ.get("FLUXDB_ENGINE_USER", "root"),
                                            password=os.environ.get("FLUXDB_ENGINE_PASSWORD", ""),
                                            connect_timeout=2, read_timeout=5, autocommit=True)
            with self.conn.cursor() as cursor:
                if self.sql is None:
                    cursor.execute("SELECT COUNT(*) FROM information_schema.TABLES"
                                   " WHERE TABLE_SCHEMA = 'fluxdb' AND TABLE_NAME = 'applied_floor'")
                    self.sql = WITH_FLOOR if cursor.fetchone()[0] == 1 else LOG_ONLY
                cursor.execute(self.sql)
                return int(cursor.fetchone()[0])
        except Exception:  # a node that is down or has no such table: no value this time
            if self.conn is not None:
                try:
                    self.conn.close()
                except Exception:
                    pass
            self.conn = None
            return None


def sample(interval, engines):
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        started = time.time()
        values = [e.index() for e in engines]
        print("%.3f %s" % (started, " ".join("-" if v is None else str(v) for v in values)), flush=True)
        time.sleep(max(0.0, interval - (time.time() - started)))


def catch_up(timeout, writer, engines):
    final = writer.index()
    if final is None:
        print("writer-unavailable")
        return
    start = time.monotonic()
    results = []
    for engine in engines:
        while True:
            value = engine.index()
            elapsed = time.monotonic() - start
            if value is not None and value >= final:
                results.append("%d" % round(elapsed * 1000))
                break
            if elapsed > timeout:
                results.append("timeout")
                break
            time.sleep(0.01)
    print(final, " ".join(results))


def main(argv):
    if len(argv) >= 3 and argv[0] == "sample":
        sample(float(argv[1]), [Engine(a) for a in argv[2:]])
    elif len(argv) >= 4 and argv[0] == "catch-up":
        catch_up(float(argv[1]), Engine(argv[2]), [Engine(a) for a in argv[3:]])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])

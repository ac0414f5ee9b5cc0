"""The common scenario of compat/README.md for Python DB-API 2.0 drivers.

PyMySQL and mysqlclient (MySQLdb) share the DB-API: the steps are written once here, and each
client's scenario.py supplies a small Driver with what differs (how to connect, how to tell
that a connection is encrypted, what an error exposes).

Only the transcript goes to stdout; diagnostics go to stderr. A driver error inside a step is
part of what the client saw and becomes the step's "error"; any other exception is a bug in the
scenario and ends the run with a non-zero exit and a traceback.
"""

import hashlib
import json
import os
import sys

# Values bound by prepared_types, in column order (see the README's table).
TYPES_COLUMNS = "i, big, ubig, f, d, `dec`, dt, ts, tm, s, b, j, bit1, n"


class Driver:
    """What differs between the Python drivers. Subclasses fill these in."""

    name = None
    version = None
    Error = Exception  # the driver's base exception class
    SSCursor = None  # an unbuffered (streaming) cursor class, or None

    def connect(self, env, password=None, tls=False, multi_statements=False):
        raise NotImplementedError

    def is_encrypted(self, conn):
        raise NotImplementedError

    def error(self, exc):
        """{"code", "sqlstate", "message"} of a driver error; None where the driver has no value."""
        raise NotImplementedError

    def prepared_values(self):
        """The prepared_types values, as this driver binds them."""
        raise NotImplementedError


class Env:
    """The connection the IT hands to the scenario (compat/README.md)."""

    def __init__(self):
        self.host = os.environ["FLUXDB_HOST"]
        self.port = int(os.environ["FLUXDB_PORT"])
        self.user = os.environ["FLUXDB_USER"]
        self.password = os.environ["FLUXDB_PASSWORD"]
        self.database = os.environ["FLUXDB_DATABASE"]
        self.tls = os.environ.get("FLUXDB_TLS") == "1"


def text(value):
    """A column value as the transcript shows it: bytes as hex, NULL as null, else str()."""
    if value is None:
        return None
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex()
    return str(value)


def rows(cursor):
    return [[text(v) for v in row] for row in cursor.fetchall()]


def result_sets(cursor):
    """Every result of the last execute: rows for a result set, affected rows for an OK."""
    sets = []
    while True:
        if cursor.description is not None:
            sets.append(rows(cursor))
        else:
            sets.append({"affected_rows": cursor.rowcount})
        if not cursor.nextset():
            return sets


def query(conn, sql, args=None):
    with conn.cursor() as cur:
        cur.execute(sql, args)
        return rows(cur)


class Transcript:
    def __init__(self, driver):
        self.driver = driver
        # The JSON lines carry UTF-8 text whatever the locale of the process running us.
        sys.stdout.reconfigure(encoding="utf-8")

    def emit(self, obj):
        print(json.dumps(obj, ensure_ascii=False), flush=True)

    def step(self, name, action):
        """Runs one step; its value is the step's result, a driver error its error."""
        try:
            self.emit({"step": name, "result": action()})
        except Unsupported as u:
            self.emit({"step": name, "unsupported": str(u)})
        except self.driver.Error as e:
            print(f"step {name}: {e!r}", file=sys.stderr)
            self.emit({"step": name, "error": self.driver.error(e)})
        except Unexpected as e:
            self.emit({"step": name, "error": {"code": None, "sqlstate": None, "message": str(e)}})


class Unsupported(Exception):
    """The driver cannot do this step; the message is shown in the matrix."""


class Unexpected(Exception):
    """The server let through what it should have refused: reported as the step's error, so the
    step differs from a run where the server behaved (and the tls step has no result)."""


def run(driver):
    env = Env()
    out = Transcript(driver)
    out.emit({"client": driver.name, "version": driver.version})

    conn = driver.connect(env)
    out.step("connect", lambda: query(conn, "SELECT 1"))
    out.step("tls", lambda: tls(driver, env))
    out.step("wrong_password", lambda: wrong_password(driver, env))
    out.step("ddl", lambda: ddl(conn))
    out.step("auto_increment", lambda: auto_increment(conn))
    out.step("prepared_types", lambda: prepared_types(driver, conn))
    out.step("nulls", lambda: query(conn, "SELECT NULL, IFNULL(NULL, 'x'), n FROM types ORDER BY id"))
    out.step("unicode", lambda: unicode(conn))
    out.step("large_value", lambda: large_value(conn))
    out.step("transaction_rollback", lambda: transaction_rollback(conn))
    out.step("transaction_commit", lambda: transaction_commit(driver, env, conn))
    out.step("error_duplicate_key", lambda: query(conn, "INSERT INTO types (id) VALUES (1)"))
    out.step("error_syntax", lambda: query(conn, "SELEC 1"))
    out.step("error_no_table", lambda: query(conn, "SELECT * FROM missing_table"))
    multi = driver.connect(env, multi_statements=True)
    out.step("multi_statements", lambda: multi_statements(multi))
    out.step("stored_procedure", lambda: stored_procedure(multi))
    multi.close()
    # Extra steps: what DB-API drivers commonly add.
    out.step("executemany", lambda: executemany(conn))
    out.step("server_side_cursor", lambda: server_side_cursor(driver, conn))
    conn.close()


def tls(driver, env):
    if not env.tls:
        raise Unsupported("the server offers no TLS (direct run against the test MariaDB)")
    conn = driver.connect(env, tls=True)
    try:
        # A driver that silently falls back to plain text must not pass this step.
        if not driver.is_encrypted(conn):
            raise Unexpected("TLS was required but the connection is not encrypted")
        return query(conn, "SELECT 1")
    finally:
        conn.close()


def wrong_password(driver, env):
    conn = driver.connect(env, password=env.password + "-wrong")
    conn.close()
    raise Unexpected("a wrong password was accepted")


def ddl(conn):
    # `dec` is quoted: DEC is a reserved word (a synonym of DECIMAL).
    with conn.cursor() as cur:
        return cur.execute(
            "CREATE TABLE types (id INT AUTO_INCREMENT PRIMARY KEY, i INT, big BIGINT, ubig BIGINT UNSIGNED,"
            " f FLOAT, d DOUBLE, `dec` DECIMAL(20,6), dt DATE, ts DATETIME(6), tm TIME, s VARCHAR(100),"
            " b BLOB, j JSON, bit1 BIT(1), n INT NULL)")


def auto_increment(conn):
    ids = []
    with conn.cursor() as cur:
        for i in (10, 20):
            cur.execute("INSERT INTO types (i) VALUES (%s)", (i,))
            ids.append(cur.lastrowid)
    return {"insert_ids": ids, "last_insert_id": query(conn, "SELECT LAST_INSERT_ID()")}


def prepared_types(driver, conn):
    values = driver.prepared_values()
    with conn.cursor() as cur:
        cur.execute("INSERT INTO types (" + TYPES_COLUMNS + ") VALUES (" + ", ".join(["%s"] * len(values)) + ")",
                    values)
        new_id = cur.lastrowid
    return query(conn, "SELECT " + TYPES_COLUMNS + " FROM types WHERE id = %s", (new_id,))


def unicode(conn):
    value = "😀 𝄞 中文 ☃"
    with conn.cursor() as cur:
        cur.execute("INSERT INTO types (s) VALUES (%s)", (value,))
        new_id = cur.lastrowid
    got = query(conn, "SELECT s, CHAR_LENGTH(s), LENGTH(s) FROM types WHERE id = %s", (new_id,))
    return {"rows": got, "round_trip": got[0][0] == value}


def large_value(conn):
    # 4 MiB cycling through every byte value, so the driver's escaping of NUL, quotes and
    # backslashes is exercised along with the size.
    blob = bytes(i % 256 for i in range(4 * 1024 * 1024))
    with conn.cursor() as cur:
        cur.execute("CREATE TABLE large (id INT PRIMARY KEY, b LONGBLOB)")
        cur.execute("INSERT INTO large VALUES (1, %s)", (blob,))
        cur.execute("SELECT b FROM large WHERE id = 1")
        got = cur.fetchone()[0]
    return {"length": len(got), "sha1": hashlib.sha1(got).hexdigest(),
            "sent_sha1": hashlib.sha1(blob).hexdigest()}


def count(conn):
    return query(conn, "SELECT COUNT(*) FROM types")[0][0]


def transaction_rollback(conn):
    before = count(conn)
    conn.begin()
    with conn.cursor() as cur:
        cur.execute("INSERT INTO types (i) VALUES (100)")
    inside = count(conn)
    conn.rollback()
    return {"before": before, "inside": inside, "after": count(conn)}


def transaction_commit(driver, env, conn):
    before = count(conn)
    conn.begin()
    with conn.cursor() as cur:
        cur.execute("INSERT INTO types (i) VALUES (200)")
    other = driver.connect(env)
    try:
        uncommitted = count(other)
        conn.commit()
        return {"before": before, "other_before_commit": uncommitted, "other_after_commit": count(other)}
    finally:
        other.close()


def multi_statements(conn):
    with conn.cursor() as cur:
        cur.execute("SELECT 1; SELECT 2")
        return result_sets(cur)


def stored_procedure(conn):
    with conn.cursor() as cur:
        cur.execute("CREATE PROCEDURE p(IN x INT, OUT y INT) BEGIN SELECT x; SELECT x * 2; SET y = x * 3; END")
        cur.execute("CALL p(5, @y)")
        sets = result_sets(cur)
    return {"call": sets, "y": query(conn, "SELECT @y")}


def executemany(conn):
    """1000 rows in one executemany (both drivers rewrite it into multi-row INSERTs)."""
    with conn.cursor() as cur:
        cur.execute("CREATE TABLE batch (id INT PRIMARY KEY, name VARCHAR(20), x DOUBLE NULL)")
        affected = cur.executemany("INSERT INTO batch (id, name, x) VALUES (%s, %s, %s)",
                                   [(i, "row %d" % i, None if i % 10 == 0 else i / 4) for i in range(1, 1001)])
    return {"affected_rows": affected,
            "check": query(conn, "SELECT COUNT(*), COUNT(x), SUM(id), SUM(x), MAX(name) FROM batch")}


def server_side_cursor(driver, conn):
    """1000 generated rows read one at a time through an unbuffered cursor."""
    if driver.SSCursor is None:
        raise Unsupported("no unbuffered cursor")
    digest = hashlib.sha1()
    n = 0
    cur = conn.cursor(driver.SSCursor)
    try:
        cur.execute("WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < 1000)"
                    " SELECT i, REPEAT('x', i % 50), IF(i % 7 = 0, NULL, i * 1.5) FROM seq")
        row = cur.fetchone()
        while row is not None:
            n += 1
            digest.update(json.dumps([text(v) for v in row]).encode())
            row = cur.fetchone()
    finally:
        cur.close()
    # The connection is usable again once the stream is drained.
    return {"rows": n, "sha1": digest.hexdigest(), "after": query(conn, "SELECT 1")}

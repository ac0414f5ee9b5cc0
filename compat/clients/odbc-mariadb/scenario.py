"""The common client scenario (compat/README.md) with MariaDB Connector/ODBC through pyodbc.

Prints one JSON object per line on stdout; diagnostics go to stderr.
"""
import datetime
import decimal
import glob
import hashlib
import json
import os
import re
import sys

import pyodbc

HOST = os.environ.get("FLUXDB_HOST", "127.0.0.1")
PORT = os.environ.get("FLUXDB_PORT", "3306")
USER = os.environ.get("FLUXDB_USER", "root")
PASSWORD = os.environ.get("FLUXDB_PASSWORD", "")
DATABASE = os.environ.get("FLUXDB_DATABASE", "compat")
TLS = os.environ.get("FLUXDB_TLS", "0") == "1"

# Debian puts the driver under /usr/lib/<multiarch>/odbc/; a DSN-less connection names the
# library itself, so no odbcinst.ini entry is needed.
DRIVER = sorted(glob.glob("/usr/lib/*/odbc/libmaodbc.so"))[0]

# Connector/C's client flag for multi statements (CLIENT_MULTI_STATEMENTS, 1 << 16) is
# asked for with the driver's OPTION bit 26 (MADB_OPT_FLAG_MULTI_STATEMENTS).
MULTI_STATEMENTS_OPTION = 1 << 26

# A fingerprint no certificate has: pinning it makes the driver require TLS and check the
# server's certificate against it.
WRONG_FINGERPRINT = "00" * 20


class Unsupported(Exception):
    """The driver cannot do what the step asks."""


def emit(**pairs):
    print(json.dumps(pairs, ensure_ascii=False), flush=True)


def connect(password=PASSWORD, **options):
    attributes = {
        "DRIVER": "{" + DRIVER + "}", "SERVER": HOST, "PORT": PORT, "UID": USER, "PWD": password,
        "DATABASE": DATABASE, "CHARSET": "utf8mb4", **options,
    }
    text = ";".join(f"{k}={v}" for k, v in attributes.items())
    return pyodbc.connect(text, autocommit=True)


# pyodbc gives (SQLSTATE, text) with text like
# "[23000] [ma-3.1.15][10.11.19-MariaDB]Duplicate entry '1' for key 'PRIMARY' (1062) (SQLExecDirectW)":
# the bracketed prefixes (driver and server versions) and the ODBC function are dropped.
ERROR_TEXT = re.compile(r"^(?:\[[^\]]*\]\s*)*(?P<message>.*?)(?: \((?P<code>-?\d+)\))?(?: \(\w+\))?$", re.S)


def error_of(e):
    if isinstance(e, pyodbc.Error) and len(e.args) == 2:
        state, text = e.args
        match = ERROR_TEXT.match(text)
        code = match.group("code")
        return {"code": int(code) if code else None, "sqlstate": state, "message": match.group("message")}
    return {"code": None, "sqlstate": None, "message": f"{type(e).__name__}: {e}"}


def step(name, body):
    """Runs one step: its result, or the error raised (expected or not, so that an
    unexpected failure is compared like any other outcome instead of stopping the scenario)."""
    try:
        result = body()
    except Unsupported as e:
        emit(step=name, unsupported=str(e))
    except Exception as e:  # noqa: BLE001 - every failure is an outcome to compare
        print(f"{name}: {e!r}", file=sys.stderr)
        emit(step=name, error=error_of(e))
    else:
        emit(step=name, result=result)


def text(value):
    if value is None:
        return None
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    return str(value)


def rows(cursor):
    return [[text(v) for v in row] for row in cursor.fetchall()]


def query(connection, sql, *params):
    return rows(connection.cursor().execute(sql, *params))


def all_result_sets(cursor):
    """Every result set of an executed statement: multi statements and CALL."""
    sets = []
    while True:
        if cursor.description is not None:
            sets.append(rows(cursor))
        if not cursor.nextset():
            return sets


def count_types(connection):
    return connection.cursor().execute("SELECT COUNT(*) FROM types").fetchval()


def last_insert_id(connection):
    return connection.cursor().execute("SELECT LAST_INSERT_ID()").fetchval()


COLUMNS = "i, big, ubig, f, d, `dec`, dt, ts, tm, s, b, j, bit1, n"
# pyodbc binds a Python int as a signed 64-bit integer at most (OverflowError beyond): the
# BIGINT UNSIGNED maximum goes as a Decimal (SQL_NUMERIC).
TYPED_VALUES = (
    -2147483648, -9223372036854775808, decimal.Decimal("18446744073709551615"), 1.5, -2.25e100,
    decimal.Decimal("12345678901234.123456"), datetime.date(2024, 2, 29),
    datetime.datetime(2024, 2, 29, 23, 59, 59, 123456), "-838:59:59", "héllo wörld ✓",
    bytes.fromhex("00ff10"), '{"a": [1, 2]}', 1, None,
)


# pyodbc turns a TIME into a datetime.time and raises ValueError for one outside
# 00:00:00..23:59:59 (like -838:59:59), so that column is read back as text.
READ_BACK = "id, i, big, ubig, f, d, `dec`, dt, ts, CAST(tm AS CHAR) AS tm, s, b, j, bit1, n"


def insert_and_read_typed_row(connection):
    """The README's row bound as parameters, read back by id with a parameter too."""
    cursor = connection.cursor()
    cursor.execute(f"INSERT INTO types ({COLUMNS}) VALUES ({', '.join('?' * len(TYPED_VALUES))})", *TYPED_VALUES)
    affected = cursor.rowcount
    new_id = last_insert_id(connection)
    return {"affected": affected, "insert_id": new_id,
            "rows": query(connection, f"SELECT {READ_BACK} FROM types WHERE id = ?", new_id)}


def driver_version():
    """The driver's version without connecting: the pkg-config file the package ships beside it."""
    pc = os.path.join(os.path.dirname(DRIVER), "..", "pkgconfig", "libmaodbc.pc")
    try:
        with open(pc, encoding="utf-8") as f:
            return next(line.split(":", 1)[1].strip() for line in f if line.startswith("Version:"))
    except (OSError, StopIteration):
        return "unknown"


def main():
    emit(client="MariaDB Connector/ODBC", version=f"{driver_version()} (pyodbc {pyodbc.version})")
    state = {}

    def do_connect():
        state["db"] = connect()
        return query(state["db"], "SELECT 1")

    step("connect", do_connect)
    db = state.get("db")

    def tls():
        if not TLS:
            raise Unsupported("the test MariaDB offers no TLS")
        # FORCETLS asks for TLS; SSLVERIFY=0 accepts the operator's self-signed certificate.
        secure = connect(FORCETLS=1, SSLVERIFY=0)
        result = {"rows": query(secure, "SELECT 1")}
        secure.close()
        # The driver cannot tell whether a connection is encrypted: a certificate pinned to a
        # wrong fingerprint being refused shows that the server really does the TLS handshake.
        try:
            connect(FORCETLS=1, SSLVERIFY=0, TLSPEERFP=WRONG_FINGERPRINT).close()
            result["wrong_fingerprint"] = "accepted"
        except pyodbc.Error as e:
            result["wrong_fingerprint"] = error_of(e)
        return result

    step("tls", tls)

    def wrong_password():
        connect(password="wrong-" + PASSWORD).close()
        return "connected"

    step("wrong_password", wrong_password)

    def ddl():
        cursor = db.cursor().execute(
            "CREATE TABLE types (id INT AUTO_INCREMENT PRIMARY KEY, i INT, big BIGINT, ubig BIGINT UNSIGNED, "
            "f FLOAT, d DOUBLE, `dec` DECIMAL(20,6), dt DATE, ts DATETIME(6), tm TIME, s VARCHAR(100), b BLOB, "
            "j JSON, bit1 BIT(1), n INT NULL) DEFAULT CHARSET=utf8mb4")
        return {"affected": cursor.rowcount}

    step("ddl", ddl)

    def auto_increment():
        # ODBC has no insert-id call: LAST_INSERT_ID() is read after each insert.
        ids = []
        for i in (1, 2):
            db.cursor().execute("INSERT INTO types (i) VALUES (?)", i)
            ids.append(last_insert_id(db))
        return {"insert_ids": ids, "last_insert_id": query(db, "SELECT LAST_INSERT_ID()")}

    step("auto_increment", auto_increment)
    step("prepared_types", lambda: insert_and_read_typed_row(db))
    step("nulls", lambda: query(db, "SELECT NULL, IFNULL(NULL, 'x'), n FROM types ORDER BY id"))

    def unicode():
        value = "😀 𝄞 中文 ☃"
        db.cursor().execute("INSERT INTO types (s) VALUES (?)", value)
        found = query(db, "SELECT s, CHAR_LENGTH(s), LENGTH(s) FROM types WHERE id = ?", last_insert_id(db))
        return {"rows": found, "round_trip": found[0][0] == value}

    step("unicode", unicode)

    def large_value():
        # 4 MiB of every byte value. types.b is a BLOB (64 KiB at most): the value needs a
        # LONGBLOB of its own.
        blob = bytes(i % 256 for i in range(4 * 1024 * 1024))
        db.cursor().execute("CREATE TABLE large_value (id INT PRIMARY KEY, b LONGBLOB)")
        db.cursor().execute("INSERT INTO large_value (id, b) VALUES (1, ?)", blob)
        back = db.cursor().execute("SELECT b FROM large_value WHERE id = 1").fetchval()
        return {"sent_sha1": hashlib.sha1(blob).hexdigest(), "length": len(back),
                "sha1": hashlib.sha1(back).hexdigest()}

    step("large_value", large_value)

    def transaction_rollback():
        before = count_types(db)
        db.autocommit = False
        try:
            db.cursor().execute("INSERT INTO types (i) VALUES (100)")
            inside = count_types(db)
            db.rollback()
        finally:
            db.autocommit = True
        return {"before": before, "inside": inside, "after": count_types(db)}

    step("transaction_rollback", transaction_rollback)

    def transaction_commit():
        before = count_types(db)
        db.autocommit = False
        try:
            db.cursor().execute("INSERT INTO types (i) VALUES (200)")
            db.commit()
        finally:
            db.autocommit = True
        other = connect()
        seen = count_types(other)
        other.close()
        return {"before": before, "seen_by_other_connection": seen}

    step("transaction_commit", transaction_commit)

    def error_duplicate_key():
        db.cursor().execute("INSERT INTO types (id) VALUES (1)")
        return "inserted"

    step("error_duplicate_key", error_duplicate_key)
    step("error_syntax", lambda: query(db, "SELEC 1"))
    step("error_no_table", lambda: query(db, "SELECT * FROM missing_table"))

    def multi_statements():
        multi = connect(OPTION=MULTI_STATEMENTS_OPTION)
        sets = all_result_sets(multi.cursor().execute("SELECT 1; SELECT 2"))
        multi.close()
        return sets

    step("multi_statements", multi_statements)

    def stored_procedure():
        db.cursor().execute("CREATE PROCEDURE p(IN x INT, OUT y INT) BEGIN SELECT x; SELECT x * 2; SET y = x * 3; END")
        sets = all_result_sets(db.cursor().execute("CALL p(5, @y)"))
        return {"result_sets": sets, "y": query(db, "SELECT @y")}

    step("stored_procedure", stored_procedure)

    # Extra: the driver prepares on the server by default; NO_SSPS=1 makes it substitute the
    # parameters itself and send plain queries.
    def client_side_prepare():
        plain = connect(NO_SSPS=1)
        try:
            return insert_and_read_typed_row(plain)
        finally:
            plain.close()

    step("client_side_prepare", client_side_prepare)

    if db is not None:
        db.close()


if __name__ == "__main__":
    main()

"""The common scenario (compat/README.md) with mysqlclient (MySQLdb)."""

import ctypes
import ctypes.util
import datetime
import decimal
import os
import sys

import MySQLdb
import MySQLdb._mysql
import MySQLdb.cursors
from MySQLdb.constants import CLIENT

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "_python"))
import common  # noqa: E402


class Cursor(MySQLdb.cursors.Cursor):
    """Keeps the SQLSTATE of a failed statement on its exception: closing the cursor (the end of
    a with block) reads the remaining results, which resets the connection's SQLSTATE."""

    def execute(self, query, args=None):
        try:
            return super().execute(query, args)
        except MySQLdb.Error as e:
            e.sqlstate = self._get_db().sqlstate()
            raise


class MySqlClient(common.Driver):
    name = "mysqlclient"
    version = "%s (libmariadb %s)" % (MySQLdb.__version__, MySQLdb._mysql.get_client_info())
    Error = MySQLdb.Error
    SSCursor = MySQLdb.cursors.SSCursor

    def connect(self, env, password=None, tls=False, multi_statements=False):
        # mysqlclient 1.4 adds CLIENT_MULTI_STATEMENTS only when the C library's version is at
        # least 4.1, which libmariadb's (3.x) is not: ask for it explicitly.
        options = {"client_flag": CLIENT.MULTI_STATEMENTS} if multi_statements else {}
        if tls:
            # Any ssl mapping makes libmariadb call mysql_ssl_set(), which requires TLS; with no CA
            # given it does not verify the certificate (the operator's is self-signed).
            options["ssl"] = {"cipher": None}
        return MySQLdb.connect(host=env.host, port=env.port, user=env.user,
                               password=env.password if password is None else password,
                               database=env.database, charset="utf8mb4", autocommit=True, cursorclass=Cursor,
                               **options)

    def is_encrypted(self, conn):
        return _ssl_cipher(conn) is not None

    def error(self, exc):
        code, message = exc.args if len(exc.args) == 2 else (None, str(exc))
        # The SQLSTATE is only reachable through the connection (see Cursor); a failed connect has none.
        return {"code": code, "sqlstate": getattr(exc, "sqlstate", None), "message": message}

    def prepared_values(self):
        # mysqlclient interpolates parameters on the client (no server-side prepare in the DB-API).
        # The TIME is bound as a string, the form MySQL itself prints.
        return (-2147483648, -9223372036854775808, 18446744073709551615, 1.5, -2.25e100,
                decimal.Decimal("12345678901234.123456"), datetime.date(2024, 2, 29),
                datetime.datetime(2024, 2, 29, 23, 59, 59, 123456), "-838:59:59", "héllo wörld ✓",
                bytes.fromhex("00ff10"), '{"a": [1, 2]}', 1, None)


def _ssl_cipher(conn):
    """mysql_get_ssl_cipher() of the connection's MYSQL*: mysqlclient 1.4 has no wrapper for it."""
    capsule = conn._get_native_connection()
    get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
    get_pointer.restype = ctypes.c_void_p
    get_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
    mysql = get_pointer(capsule, b"_mysql.connection.native_connection")
    lib = ctypes.CDLL(ctypes.util.find_library("mariadb"))  # the library the extension links
    lib.mysql_get_ssl_cipher.restype = ctypes.c_char_p
    lib.mysql_get_ssl_cipher.argtypes = [ctypes.c_void_p]
    return lib.mysql_get_ssl_cipher(mysql)


common.run(MySqlClient())

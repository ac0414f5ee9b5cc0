"""Runs statements through MariaDB Connector/C (libmariadb) and prints, for each, what the library's session-track
API (mysql_session_track_get_first/next) reports: one line per statement, tab-separated, with the tracked system
variables as name=value and, for a SELECT, its first value as row=value.

Usage: session_track_libmariadb.py HOST PORT USER PASSWORD DATABASE STATEMENT...
"""
import ctypes
import sys
from ctypes import POINTER, byref, c_char_p, c_int, c_size_t, c_uint, c_ulong, c_void_p

SESSION_TRACK_SYSTEM_VARIABLES = 0

lib = ctypes.CDLL("libmariadb.so.3")
lib.mysql_init.restype = c_void_p
lib.mysql_init.argtypes = [c_void_p]
lib.mysql_real_connect.restype = c_void_p
lib.mysql_real_connect.argtypes = [c_void_p, c_char_p, c_char_p, c_char_p, c_char_p, c_uint, c_char_p, c_ulong]
lib.mysql_query.argtypes = [c_void_p, c_char_p]
lib.mysql_error.restype = c_char_p
lib.mysql_error.argtypes = [c_void_p]
lib.mysql_errno.restype = c_uint
lib.mysql_errno.argtypes = [c_void_p]
lib.mysql_store_result.restype = c_void_p
lib.mysql_store_result.argtypes = [c_void_p]
lib.mysql_fetch_row.restype = POINTER(c_char_p)
lib.mysql_fetch_row.argtypes = [c_void_p]
lib.mysql_free_result.argtypes = [c_void_p]
lib.mysql_close.argtypes = [c_void_p]
for name in ("mysql_session_track_get_first", "mysql_session_track_get_next"):
    f = getattr(lib, name)
    f.restype = c_int
    f.argtypes = [c_void_p, c_int, POINTER(c_void_p), POINTER(c_size_t)]


def tracked(conn):
    """The system variables the last OK reported: the library returns a name, then its value."""
    items = []
    data, length = c_void_p(), c_size_t()
    status = lib.mysql_session_track_get_first(conn, SESSION_TRACK_SYSTEM_VARIABLES, byref(data), byref(length))
    while status == 0:
        items.append(ctypes.string_at(data, length.value).decode())
        status = lib.mysql_session_track_get_next(conn, SESSION_TRACK_SYSTEM_VARIABLES, byref(data), byref(length))
    return ["%s=%s" % (items[i], items[i + 1]) for i in range(0, len(items) - 1, 2)]


def main():
    host, port, user, password, database = sys.argv[1:6]
    conn = lib.mysql_init(None)
    if not lib.mysql_real_connect(conn, host.encode(), user.encode(), password.encode(), database.encode(),
                                  int(port), None, 0):
        print("connect failed: %s" % lib.mysql_error(conn).decode())
        return 1
    for sql in sys.argv[6:]:
        if lib.mysql_query(conn, sql.encode()) != 0:
            print("ERR\t%d\t%s" % (lib.mysql_errno(conn), lib.mysql_error(conn).decode()))
            return 1
        result = lib.mysql_store_result(conn)
        fields = tracked(conn)
        if result:
            row = lib.mysql_fetch_row(result)
            if row and row[0] is not None:
                fields.append("row=" + row[0].decode())
            lib.mysql_free_result(result)
        print("\t".join(["OK"] + fields))
    lib.mysql_close(conn)
    return 0


sys.exit(main())

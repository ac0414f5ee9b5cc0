"""The common scenario (compat/README.md) with PyMySQL."""

import datetime
import decimal
import os
import ssl
import sys

import pymysql
import pymysql.cursors
from pymysql.constants import CLIENT

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "_python"))
import common  # noqa: E402


class PyMySql(common.Driver):
    name = "PyMySQL"
    version = pymysql.__version__
    Error = pymysql.err.Error
    SSCursor = pymysql.cursors.SSCursor

    def connect(self, env, password=None, tls=False, multi_statements=False):
        options = {}
        if tls:
            # Encrypt without verifying: the operator's certificate is self-signed.
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            options["ssl"] = context
        return pymysql.connect(host=env.host, port=env.port, user=env.user,
                               password=env.password if password is None else password,
                               database=env.database, charset="utf8mb4", autocommit=True,
                               client_flag=CLIENT.MULTI_STATEMENTS if multi_statements else 0, **options)

    def is_encrypted(self, conn):
        # PyMySQL continues in plain text when the server offers no TLS; only the socket tells.
        return isinstance(conn._sock, ssl.SSLSocket)

    def error(self, exc):
        # PyMySQL parses the SQLSTATE out of the ERR packet and drops it.
        code, message = exc.args if len(exc.args) == 2 else (None, str(exc))
        return {"code": code, "sqlstate": None, "message": message}

    def prepared_values(self):
        # PyMySQL interpolates parameters on the client (it has no COM_STMT_PREPARE). The TIME is
        # bound as a string: its timedelta escaping renders negative durations wrongly
        # (-838:59:59 becomes -839:00:01).
        return (-2147483648, -9223372036854775808, 18446744073709551615, 1.5, -2.25e100,
                decimal.Decimal("12345678901234.123456"), datetime.date(2024, 2, 29),
                datetime.datetime(2024, 2, 29, 23, 59, 59, 123456), "-838:59:59", "héllo wörld ✓",
                bytes.fromhex("00ff10"), '{"a": [1, 2]}', 1, None)


common.run(PyMySql())

package io.fluxdb.engine.mysql.differential;

import static io.fluxdb.protocol.constant.ColumnType.*;

import io.fluxdb.protocol.message.client.ComStmtExecute;
import io.fluxdb.protocol.message.client.ParamMarker;
import io.fluxdb.protocol.message.client.ParamType;
import io.fluxdb.protocol.wire.MySqlDateTime;
import io.fluxdb.protocol.wire.MySqlTime;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The binary-protocol part of the workload: prepared statements named by a key (each side maps the
 * key to the statement id its own connection got), executed with parameters of every type. Runs
 * after {@link Workload#text()}, on the tables it created.
 */
final class BinarySteps {
    private BinarySteps() {}

    sealed interface Step permits Prepare, Execute, Fetch, Reset, Close, LongData, Ping {}

    record Prepare(String key, String sql) implements Step {}

    record Execute(String key, int flags, boolean newParamsBound, List<ParamType> types, List<Object> values) implements Step {
        @Override
        public String toString() {
            return "Execute[" + key + ", flags=" + flags + ", newParamsBound=" + newParamsBound + ", types=" + types
                    + ", values=" + values.stream().map(BinarySteps::show).toList() + "]";
        }
    }

    record Fetch(String key, int rows) implements Step {}

    record Reset(String key) implements Step {}

    record Close(String key) implements Step {}

    record LongData(String key, int param, byte[] data) implements Step {
        @Override
        public String toString() {
            return "LongData[" + key + ", param=" + param + ", " + data.length + " bytes]";
        }
    }

    record Ping() implements Step {}

    private static String show(Object v) {
        if (v instanceof byte[] b) {
            return b.length > 32 ? b.length + " bytes" : "0x" + io.netty.buffer.ByteBufUtil.hexDump(b);
        }
        return String.valueOf(v);
    }

    private static ParamType t(int type) {
        return new ParamType(type, false);
    }

    private static ParamType u(int type) {
        return new ParamType(type, true);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static List<Step> steps() {
        String insertTypes = "INSERT INTO types (" + Workload.TYPES_COLUMNS + ") VALUES ("
                + "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ST_GeomFromText(?), ST_GeomFromText(?))";
        // One parameter type per column, from the types clients bind (MariaDB rejects BIT, ENUM, SET, JSON,
        // VARCHAR, INT24 and YEAR as parameter types with ER_WRONG_ARGUMENTS).
        List<ParamType> types = List.of(t(MYSQL_TYPE_TINY), u(MYSQL_TYPE_TINY), t(MYSQL_TYPE_SHORT), u(MYSQL_TYPE_SHORT),
                t(MYSQL_TYPE_LONG), u(MYSQL_TYPE_LONG), t(MYSQL_TYPE_LONG), u(MYSQL_TYPE_LONG), t(MYSQL_TYPE_LONGLONG),
                u(MYSQL_TYPE_LONGLONG), t(MYSQL_TYPE_TINY_BLOB), t(MYSQL_TYPE_BLOB), t(MYSQL_TYPE_NEWDECIMAL),
                t(MYSQL_TYPE_FLOAT), t(MYSQL_TYPE_DOUBLE), t(MYSQL_TYPE_DATE), t(MYSQL_TYPE_TIME), t(MYSQL_TYPE_DATETIME),
                t(MYSQL_TYPE_TIMESTAMP), t(MYSQL_TYPE_SHORT), t(MYSQL_TYPE_STRING), t(MYSQL_TYPE_VAR_STRING),
                t(MYSQL_TYPE_MEDIUM_BLOB), t(MYSQL_TYPE_BLOB), t(MYSQL_TYPE_VAR_STRING), t(MYSQL_TYPE_LONG_BLOB),
                t(MYSQL_TYPE_STRING), t(MYSQL_TYPE_VAR_STRING), t(MYSQL_TYPE_VAR_STRING), t(MYSQL_TYPE_VAR_STRING),
                t(MYSQL_TYPE_NULL));
        List<Object> first = Arrays.asList(-5L, 200L, -300L, 60000L, -70000L, 70000L, -2_000_000_000L, 4_000_000_000L,
                Long.MIN_VALUE, new BigInteger("18446744073709551615"), new byte[] {1},
                new byte[] {(byte) 0x80, 0, 0, 0, 0, 0, 0, 1}, new BigDecimal("-12345.678900000000000000000000000001"),
                1.5f, -2.5e-300, MySqlDateTime.ofDate(2024, 2, 29), new MySqlTime(true, 1, 10, 0, 0, 500000),
                new MySqlDateTime(2024, 2, 29, 23, 59, 58, 123456), new MySqlDateTime(2020, 1, 2, 3, 4, 5, 0), 2024L,
                "ten", "\uD83D\uDE00 ok \uD834\uDD1E", utf8("t\u00e9xt"), new byte[] {0, 1, 2, 3},
                utf8("varbinary"), new byte[] {(byte) 0xff, 0, (byte) 0xfe}, "b", "x,y", "{\"a\": 1}",
                "POINT(3 4)", null);
        // Same types, not sent again: zero dates, zero time, extremes, NULLs in the middle.
        List<Object> second = Arrays.asList(127L, 0L, null, 65535L, 8388607L, 16777215L, Integer.MAX_VALUE + 0L,
                4294967295L, Long.MAX_VALUE, BigInteger.ZERO, new byte[] {0}, new byte[8], new BigDecimal("0.5"),
                Float.MAX_VALUE, Double.MIN_VALUE, MySqlDateTime.ZERO, MySqlTime.ZERO, MySqlDateTime.ZERO, null, 1901L,
                "", "", new byte[0], null, new byte[0], null, "a", "", "[]", null, null);

        List<Step> steps = new ArrayList<>();
        steps.add(new Prepare("insertTypes", insertTypes));
        steps.add(new Execute("insertTypes", 0, true, types, first));
        steps.add(new Execute("insertTypes", 0, false, types, second));
        steps.add(new Prepare("selectTypes", "SELECT * FROM types WHERE id >= ? ORDER BY id"));
        steps.add(new Execute("selectTypes", 0, true, List.of(t(MYSQL_TYPE_LONG)), List.of(1L)));
        steps.add(new Prepare("expressions", "SELECT ? AS p, ? + 1 AS q, CONCAT(?, 'x') AS r, ST_AsText(pt), tm, ts"
                + " FROM types WHERE id = ?"));
        steps.add(new Execute("expressions", 0, true,
                List.of(t(MYSQL_TYPE_NULL), u(MYSQL_TYPE_LONGLONG), t(MYSQL_TYPE_VAR_STRING), t(MYSQL_TYPE_LONG)),
                Arrays.asList(null, new BigInteger("18446744073709551614"), "\uD834\uDD1E", 1L)));
        // A cursor: no rows in the execute response, then fetches.
        steps.add(new Execute("selectTypes", ComStmtExecute.CURSOR_TYPE_READ_ONLY, false, List.of(t(MYSQL_TYPE_LONG)),
                List.of(2L)));
        steps.add(new Fetch("selectTypes", 2));
        steps.add(new Fetch("selectTypes", 100));
        steps.add(new Reset("selectTypes"));
        // Values over 16 MiB in both directions.
        steps.add(new Prepare("insertBig", "INSERT INTO big VALUES (?, ?)"));
        byte[] big = new byte[Workload.BIG + 3];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31 + (i >>> 11));
        }
        steps.add(new Execute("insertBig", 0, true, List.of(t(MYSQL_TYPE_LONG), t(MYSQL_TYPE_LONG_BLOB)),
                List.of(2L, big)));
        steps.add(new Prepare("selectBig", "SELECT id, b, LENGTH(b), MD5(b) FROM big ORDER BY id"));
        steps.add(new Execute("selectBig", 0, false, List.of(), List.of()));
        // Long data, then an execute that refers to it.
        steps.add(new Prepare("insertLong", "INSERT INTO ai (v, n) VALUES (?, ?)"));
        steps.add(new LongData("insertLong", 0, utf8("long-")));
        steps.add(new LongData("insertLong", 0, utf8("data")));
        steps.add(new Execute("insertLong", 0, true, List.of(t(MYSQL_TYPE_VAR_STRING), t(MYSQL_TYPE_LONG)),
                Arrays.asList(ParamMarker.LONG_DATA, 9L)));
        // The same statement again: a duplicate key, ERR from COM_STMT_EXECUTE.
        steps.add(new LongData("insertLong", 0, utf8("long-data")));
        steps.add(new Execute("insertLong", 0, false, List.of(t(MYSQL_TYPE_VAR_STRING), t(MYSQL_TYPE_LONG)),
                Arrays.asList(ParamMarker.LONG_DATA, 10L)));
        // A truncation warning from a prepared statement.
        steps.add(new Prepare("insertWarn", "INSERT INTO w VALUES (?, ?)"));
        steps.add(new Execute("insertWarn", 0, true, List.of(t(MYSQL_TYPE_VAR_STRING), t(MYSQL_TYPE_LONGLONG)),
                List.of("toolong", 1000L)));
        steps.add(new Prepare("showWarnings", "SHOW WARNINGS"));
        steps.add(new Execute("showWarnings", 0, false, List.of(), List.of()));
        // A procedure: two result sets, then the OUT parameter (SERVER_PS_OUT_PARAMS), then the final OK.
        steps.add(new Prepare("call", "CALL twosets(?, ?)"));
        steps.add(new Execute("call", 0, true, List.of(t(MYSQL_TYPE_LONG), t(MYSQL_TYPE_NULL)), Arrays.asList(7L, null)));
        // Errors at prepare time.
        steps.add(new Prepare("missing", "SELECT * FROM nope WHERE id = ?"));
        steps.add(new Prepare("syntax", "SELEC ?"));
        // A transaction through prepared statements.
        steps.add(new Prepare("begin", "START TRANSACTION"));
        steps.add(new Execute("begin", 0, false, List.of(), List.of()));
        steps.add(new Execute("insertLong", 0, true, List.of(t(MYSQL_TYPE_VAR_STRING), t(MYSQL_TYPE_LONG)),
                List.of("in-tx", 11L)));
        steps.add(new Prepare("rollback", "ROLLBACK"));
        steps.add(new Execute("rollback", 0, false, List.of(), List.of()));
        steps.add(new Close("insertTypes"));
        steps.add(new Close("selectTypes"));
        steps.add(new Ping());
        return steps;
    }
}

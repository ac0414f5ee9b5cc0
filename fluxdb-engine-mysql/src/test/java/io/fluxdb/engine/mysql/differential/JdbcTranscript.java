package io.fluxdb.engine.mysql.differential;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * What a JDBC application sees of one step, written down line by line: result-set metadata, every
 * value (getObject, getString, getBytes), update counts, generated keys, the SQLWarning chain and
 * any SQLException. Two transcripts of the same step, one direct and one through the operator, must
 * be equal once the schema names are normalised.
 */
final class JdbcTranscript {
    private static final int LONG_VALUE = 256;

    private JdbcTranscript() {}

    /** A unit of the JDBC workload. */
    sealed interface Step permits Sql, Prepared, Call {}

    /** A statement text run with {@link Statement#execute(String, int)} asking for generated keys. */
    record Sql(String sql) implements Step {}

    /** A prepared statement; {@code bind} sets parameters and may add batches; {@code batch} runs executeBatch. */
    record Prepared(String sql, Binder bind, boolean batch) implements Step {}

    /** A stored procedure call with one IN and one OUT INTEGER parameter. */
    record Call(String sql, int in) implements Step {}

    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    static List<Step> steps() {
        List<Step> steps = new ArrayList<>();
        Workload.text().forEach(sql -> steps.add(new Sql(sql)));
        String insertTypes = "INSERT INTO types (" + Workload.TYPES_COLUMNS + ") VALUES ("
                + "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ST_GeomFromText(?), ST_GeomFromText(?))";
        steps.add(new Prepared(insertTypes, ps -> {
            ps.setByte(1, (byte) -5);
            ps.setShort(2, (short) 200);
            ps.setShort(3, (short) -300);
            ps.setInt(4, 60000);
            ps.setInt(5, -70000);
            ps.setInt(6, 70000);
            ps.setInt(7, -2_000_000_000);
            ps.setLong(8, 4_000_000_000L);
            ps.setLong(9, Long.MIN_VALUE);
            ps.setObject(10, new BigInteger("18446744073709551615"));
            ps.setBoolean(11, true);
            ps.setBytes(12, new byte[] {(byte) 0x80, 0, 0, 0, 0, 0, 0, 1});
            ps.setBigDecimal(13, new BigDecimal("-12345.678900000000000000000000000001"));
            ps.setFloat(14, 1.5f);
            ps.setDouble(15, -2.5e-300);
            ps.setDate(16, Date.valueOf("2024-02-29"));
            ps.setString(17, "-34:00:00.5");
            ps.setObject(18, LocalDateTime.of(2024, 2, 29, 23, 59, 58, 123_456_000));
            ps.setTimestamp(19, Timestamp.valueOf("2020-01-02 03:04:05.5"));
            ps.setShort(20, (short) 2024);
            ps.setString(21, "ten");
            ps.setNString(22, "\uD83D\uDE00 ok \uD834\uDD1E");
            ps.setString(23, "t\u00e9xt");
            ps.setBytes(24, new byte[] {0, 1, 2, 3});
            ps.setBytes(25, "varbinary".getBytes(StandardCharsets.UTF_8));
            ps.setBinaryStream(26, new java.io.ByteArrayInputStream(new byte[] {(byte) 0xff, 0, (byte) 0xfe}));
            ps.setString(27, "b");
            ps.setString(28, "x,y");
            ps.setString(29, "{\"a\": 1}");
            ps.setString(30, "POINT(3 4)");
            ps.setNull(31, Types.VARCHAR);
        }, false));
        steps.add(new Prepared("SELECT * FROM types WHERE id >= ? ORDER BY id", ps -> ps.setInt(1, 1), false));
        steps.add(new Prepared("SELECT id, ST_AsText(pt), tm, ts, ? AS p, ? + 1 AS q FROM types WHERE id = ?", ps -> {
            ps.setNull(1, Types.INTEGER);
            ps.setObject(2, new BigInteger("18446744073709551614"));
            ps.setInt(3, 1);
        }, false));
        steps.add(new Prepared("SELECT id, LENGTH(b), b FROM big WHERE id = ?", ps -> ps.setInt(1, 1), false));
        steps.add(new Prepared("INSERT INTO ai (v, n) VALUES (?, ?)", ps -> {
            ps.setString(1, "jdbc1");
            ps.setInt(2, 1);
        }, false));
        steps.add(new Prepared("INSERT INTO ai (v, n) VALUES (?, ?)", ps -> {
            for (int i = 0; i < 3; i++) {
                ps.setString(1, "batch" + i);
                ps.setInt(2, i);
                ps.addBatch();
            }
        }, true));
        steps.add(new Prepared("INSERT INTO ai (v, n) VALUES (?, ?)", ps -> {
            ps.setString(1, "jdbc1");
            ps.setInt(2, 2);
        }, false));
        steps.add(new Prepared("UPDATE ai SET n = ? WHERE id <= ?", ps -> {
            ps.setInt(1, 1);
            ps.setInt(2, 3);
        }, false));
        steps.add(new Prepared("INSERT INTO w VALUES (?, ?)", ps -> {
            ps.setString(1, "toolong");
            ps.setLong(2, 1000);
        }, false));
        steps.add(new Sql("SHOW WARNINGS"));
        steps.add(new Call("{call twosets(?, ?)}", 7));
        steps.add(new Prepared("SELECT * FROM nope WHERE id = ?", ps -> ps.setInt(1, 1), false));
        steps.add(new Sql("SELECT * FROM ai ORDER BY id"));
        return steps;
    }

    static List<String> run(Connection c, Step step) {
        List<String> out = new ArrayList<>();
        try {
            switch (step) {
                case Sql s -> {
                    try (Statement st = c.createStatement()) {
                        boolean isResult = st.execute(s.sql(), Statement.RETURN_GENERATED_KEYS);
                        results(st, isResult, out);
                        warnings("statement", st.getWarnings(), out);
                    }
                }
                case Prepared p -> {
                    try (PreparedStatement ps = c.prepareStatement(p.sql(), Statement.RETURN_GENERATED_KEYS)) {
                        p.bind().bind(ps);
                        if (p.batch()) {
                            out.add("batch: " + java.util.Arrays.toString(ps.executeBatch()));
                            keys(ps, out);
                        } else {
                            results(ps, ps.execute(), out);
                        }
                        warnings("statement", ps.getWarnings(), out);
                    }
                }
                case Call call -> {
                    try (CallableStatement cs = c.prepareCall(call.sql())) {
                        cs.setInt(1, call.in());
                        cs.registerOutParameter(2, Types.INTEGER);
                        results(cs, cs.execute(), out);
                        out.add("out 2: " + cs.getInt(2) + " wasNull=" + cs.wasNull());
                        warnings("statement", cs.getWarnings(), out);
                    }
                }
            }
            warnings("connection", c.getWarnings(), out);
            c.clearWarnings();
        } catch (SQLException e) {
            out.add("exception: " + e.getClass().getName() + " code=" + e.getErrorCode() + " state=" + e.getSQLState()
                    + " message=" + e.getMessage());
        }
        return out;
    }

    private static void results(Statement st, boolean isResult, List<String> out) throws SQLException {
        for (int n = 1; ; n++) {
            if (isResult) {
                try (ResultSet rs = st.getResultSet()) {
                    out.add("result " + n + ":");
                    resultSet(rs, out);
                }
            } else {
                long count = st.getLargeUpdateCount();
                if (count == -1) {
                    break;
                }
                out.add("result " + n + ": update count " + count);
                keys(st, out);
            }
            isResult = st.getMoreResults();
        }
    }

    private static void keys(Statement st, List<String> out) throws SQLException {
        try (ResultSet keys = st.getGeneratedKeys()) {
            out.add("generated keys:");
            resultSet(keys, out);
        }
    }

    private static void resultSet(ResultSet rs, List<String> out) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            out.add("  column " + i + ": name=" + md.getColumnName(i) + " label=" + md.getColumnLabel(i)
                    + " type=" + md.getColumnType(i) + " typeName=" + md.getColumnTypeName(i)
                    + " class=" + md.getColumnClassName(i) + " precision=" + md.getPrecision(i) + " scale=" + md.getScale(i)
                    + " displaySize=" + md.getColumnDisplaySize(i) + " nullable=" + md.isNullable(i)
                    + " signed=" + md.isSigned(i) + " autoIncrement=" + md.isAutoIncrement(i)
                    + " caseSensitive=" + md.isCaseSensitive(i) + " table=" + md.getTableName(i)
                    + " catalog=" + md.getCatalogName(i) + " schema=" + md.getSchemaName(i));
        }
        int row = 0;
        while (rs.next()) {
            row++;
            for (int i = 1; i <= md.getColumnCount(); i++) {
                out.add("  row " + row + " column " + i + ": object=" + object(rs, i) + " string=" + string(rs, i)
                        + " bytes=" + bytes(rs, i));
            }
        }
        out.add("  rows: " + row);
        warnings("result set", rs.getWarnings(), out);
    }

    private static String object(ResultSet rs, int i) {
        try {
            Object o = rs.getObject(i);
            if (o == null) {
                return "null";
            }
            String value = o instanceof byte[] b ? show(b) : show(o.toString());
            return o.getClass().getName() + ":" + value;
        } catch (SQLException | RuntimeException e) {
            return "!" + e;
        }
    }

    private static String string(ResultSet rs, int i) {
        try {
            String s = rs.getString(i);
            return s == null ? "null" : show(s);
        } catch (SQLException | RuntimeException e) {
            return "!" + e;
        }
    }

    private static String bytes(ResultSet rs, int i) {
        try {
            byte[] b = rs.getBytes(i);
            return b == null ? "null" : show(b);
        } catch (SQLException | RuntimeException e) {
            return "!" + e;
        }
    }

    private static String show(String s) {
        return s.length() > LONG_VALUE ? s.length() + " chars sha256=" + sha256(s.getBytes(StandardCharsets.UTF_8)) : "'" + s + "'";
    }

    private static String show(byte[] b) {
        return b.length > LONG_VALUE ? b.length + " bytes sha256=" + sha256(b) : "0x" + HexFormat.of().formatHex(b);
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void warnings(String where, SQLWarning w, List<String> out) {
        for (; w != null; w = w.getNextWarning()) {
            out.add(where + " warning: code=" + w.getErrorCode() + " state=" + w.getSQLState() + " message=" + w.getMessage());
        }
    }

    /**
     * Maps the proxy side's schema name (also as hex) to the direct side's and hides the driver's
     * {@code (conn=N)} message prefix, the connection id being the operator's own.
     */
    static List<String> normalise(List<String> lines, String from, String to) {
        String fromHex = HexFormat.of().formatHex(from.getBytes(StandardCharsets.UTF_8));
        String toHex = HexFormat.of().formatHex(to.getBytes(StandardCharsets.UTF_8));
        return lines.stream().map(l -> hideConnectionId(l.replace(from, to).replace(fromHex, toHex))).toList();
    }

    static List<String> hideConnectionId(List<String> lines) {
        return lines.stream().map(JdbcTranscript::hideConnectionId).toList();
    }

    private static String hideConnectionId(String line) {
        return line.replaceAll("\\(conn=\\d+\\)", "(conn=?)");
    }

    static Optional<String> firstDifference(List<String> direct, List<String> proxy) {
        int n = Math.min(direct.size(), proxy.size());
        for (int i = 0; i < n; i++) {
            if (!direct.get(i).equals(proxy.get(i))) {
                return Optional.of("line " + (i + 1) + "\n  direct: " + direct.get(i) + "\n  proxy:  " + proxy.get(i));
            }
        }
        if (direct.size() != proxy.size()) {
            return Optional.of("line count direct=" + direct.size() + " proxy=" + proxy.size() + "; first extra: "
                    + (direct.size() > n ? direct : proxy).get(n));
        }
        return Optional.empty();
    }
}

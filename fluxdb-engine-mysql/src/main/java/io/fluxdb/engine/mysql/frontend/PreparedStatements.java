package io.fluxdb.engine.mysql.frontend;

import static io.fluxdb.protocol.constant.ColumnType.*;

import io.fluxdb.engine.spi.BoundValue;
import io.fluxdb.engine.spi.Classification;
import io.fluxdb.protocol.ProtocolException;
import io.fluxdb.protocol.wire.BinaryValues;
import io.fluxdb.protocol.wire.MySqlDateTime;
import io.fluxdb.protocol.wire.MySqlTime;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A session's server-side prepared statements as replication needs them: the text each was prepared from, the
 * parameter types last bound, the long data sent for it, and the values of one COM_STMT_EXECUTE decoded into
 * {@link BoundValue}s, so a prepared write goes into the log as its text with its parameters.
 *
 * @see <a href="https://mariadb.com/kb/en/com_stmt_execute/">COM_STMT_EXECUTE</a>
 */
final class PreparedStatements {

    /** One prepared statement. */
    static final class Prepared {
        final byte[] sql;
        final Classification classification;
        final int params;
        /** The session's current database when it was prepared, which its unqualified names may be bound to. */
        final java.util.Optional<String> database;
        int[] types;
        final Map<Integer, ByteArrayOutputStream> longData = new HashMap<>();

        Prepared(byte[] sql, Classification classification, int params, java.util.Optional<String> database) {
            this.sql = sql;
            this.classification = classification;
            this.params = params;
            this.database = database;
        }
    }

    /** The parameters of one execution, decoded but not yet turned into text (that needs the session's charset). */
    record Execution(Prepared statement, List<Object> values, int[] types) {

        /**
         * The values as the log holds them: strings decoded in {@code charset}; where not valid there, as bytes if
         * {@code invalidAsBytes} (the engine kept their bytes), else the whole answer is null (not loggable exactly).
         */
        List<BoundValue> bound(Charset charset, boolean invalidAsBytes) {
            List<BoundValue> bound = new ArrayList<>(values.size());
            for (int i = 0; i < values.size(); i++) {
                BoundValue value = toBound(values.get(i), types[i] & 0xFF, charset);
                if (value == null) {
                    if (!invalidAsBytes) {
                        return null;
                    }
                    value = new BoundValue.Bytes((byte[]) values.get(i));
                }
                bound.add(value);
            }
            return bound;
        }
    }

    private static final int UNSIGNED = 0x8000;
    /**
     * MariaDB takes statement id 0xFFFFFFFF as "the statement prepared last", so that a client can send
     * COM_STMT_PREPARE and COM_STMT_EXECUTE together without waiting for the id.
     */
    private static final int LAST_PREPARED = -1;
    private final Map<Integer, Prepared> statements = new HashMap<>();
    private int lastId = LAST_PREPARED;

    /** The engine prepared {@code sql} as {@code id} with {@code params} placeholders. */
    void prepared(int id, byte[] sql, Classification classification, int params) {
        prepared(id, sql, classification, params, java.util.Optional.empty());
    }

    /** {@link #prepared(int, byte[], Classification, int)} while {@code database} was the current one. */
    void prepared(int id, byte[] sql, Classification classification, int params, java.util.Optional<String> database) {
        statements.put(id, new Prepared(sql, classification, params, database));
        lastId = id;
    }

    Prepared get(int id) {
        return statements.get(resolve(id));
    }

    void close(int id) {
        statements.remove(resolve(id));
    }

    /** The id a command's statement id stands for: 0xFFFFFFFF is the statement prepared last. */
    int resolve(int id) {
        return id == LAST_PREPARED ? lastId : id;
    }

    void clear() {
        statements.clear();
    }

    /** COM_STMT_SEND_LONG_DATA: statement id, parameter index, then the bytes. */
    void longData(ByteBuf payload) {
        if (payload.readableBytes() < 7) {
            return;
        }
        int at = payload.readerIndex() + 1;
        Prepared p = get(payload.getIntLE(at));
        int param = payload.getUnsignedShortLE(at + 4);
        if (p != null && param < p.params) {
            ByteArrayOutputStream data = p.longData.computeIfAbsent(param, k -> new ByteArrayOutputStream());
            byte[] chunk = new byte[payload.readableBytes() - 7];
            payload.getBytes(at + 6, chunk);
            data.writeBytes(chunk);
        }
    }

    /** COM_STMT_RESET: long data sent so far is dropped. */
    void reset(int id) {
        Prepared p = get(id);
        if (p != null) {
            p.longData.clear();
        }
    }

    /**
     * Decodes a COM_STMT_EXECUTE; null for a statement this session did not prepare. The long data of the statement
     * is consumed, as the engine consumes it.
     *
     * @throws ProtocolException if the parameters cannot be read
     */
    Execution execute(ByteBuf payload) {
        ByteBuf p = payload.duplicate();
        if (p.readableBytes() < 10) {
            throw new ProtocolException("COM_STMT_EXECUTE: " + p.readableBytes() + " bytes (expected: at least 10)");
        }
        p.skipBytes(1);
        Prepared statement = get(p.readIntLE());
        if (statement == null) {
            return null;
        }
        p.skipBytes(5); // flags, iteration count
        int n = statement.params;
        List<Object> values = new ArrayList<>(n);
        if (n > 0) {
            byte[] nulls = new byte[(n + 7) / 8];
            p.readBytes(nulls);
            boolean newTypes = p.readUnsignedByte() == 1;
            if (newTypes) {
                int[] types = new int[n];
                for (int i = 0; i < n; i++) {
                    types[i] = p.readUnsignedShortLE();
                }
                statement.types = types;
            }
            if (statement.types == null) {
                throw new ProtocolException("COM_STMT_EXECUTE: no parameter types were ever sent");
            }
            for (int i = 0; i < n; i++) {
                int type = statement.types[i];
                ByteArrayOutputStream longData = statement.longData.get(i);
                // Long data wins over the null bit, as in the server: mysqlnd sets the bit for a parameter bound
                // to a null variable whose value it sent with COM_STMT_SEND_LONG_DATA.
                if (longData != null) {
                    values.add(longData.toByteArray());
                } else if ((nulls[i / 8] & (1 << (i % 8))) != 0) {
                    values.add(null);
                } else {
                    values.add(BinaryValues.read(p, type & 0xFF, (type & UNSIGNED) != 0));
                }
            }
        }
        statement.longData.clear();
        return new Execution(statement, values, statement.types == null ? new int[0] : statement.types.clone());
    }

    private static BoundValue toBound(Object value, int type, Charset charset) {
        return switch (value) {
            case null -> BoundValue.Null.INSTANCE;
            case Long l -> new BoundValue.Int(l);
            case BigInteger b -> new BoundValue.UnsignedInt(b.longValue());
            case Float f -> new BoundValue.Real(f);
            case Double d -> new BoundValue.Real(d);
            case BigDecimal d -> new BoundValue.Decimal(d.toPlainString());
            case MySqlDateTime t -> type == MYSQL_TYPE_DATE || type == MYSQL_TYPE_NEWDATE
                    ? new BoundValue.Date(t.year(), t.month(), t.day())
                    : new BoundValue.DateTime(t.year(), t.month(), t.day(), t.hour(), t.minute(), t.second(), t.micros());
            case MySqlTime t -> new BoundValue.Time(t.negative(), (int) (t.days() * 24 + t.hours()), t.minutes(),
                    t.seconds(), t.micros());
            case byte[] bytes -> switch (type) {
                case MYSQL_TYPE_TINY_BLOB, MYSQL_TYPE_MEDIUM_BLOB, MYSQL_TYPE_LONG_BLOB, MYSQL_TYPE_BLOB,
                        MYSQL_TYPE_GEOMETRY, MYSQL_TYPE_BIT -> new BoundValue.Bytes(bytes);
                // Null for a string with bytes not valid in the client's character set (a BLOB bound as a string,
                // as Go, PDO and ODBC do): bound() decides whether it can travel as bytes.
                default -> {
                    String text = Charsets.decode(bytes, 0, charset);
                    yield text == null ? null : new BoundValue.Text(text);
                }
            };
            default -> throw new IllegalStateException("binary value of " + value.getClass());
        };
    }
}

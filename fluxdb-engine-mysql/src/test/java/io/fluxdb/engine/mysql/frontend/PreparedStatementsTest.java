package io.fluxdb.engine.mysql.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.spi.BoundValue;
import io.fluxdb.engine.spi.Classification;
import io.fluxdb.engine.spi.StatementKind;
import io.fluxdb.engine.spi.TransactionEffect;
import io.fluxdb.protocol.constant.ColumnType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PreparedStatementsTest {

    /**
     * mysqlnd sets the null bit of a parameter bound to a null variable whose value it sent with
     * COM_STMT_SEND_LONG_DATA; the server takes the long data, so the log must too, or followers would store NULL.
     */
    @Test
    void longDataWinsOverTheNullBit() {
        PreparedStatements statements = withInsert(7, "INSERT INTO t VALUES (?)", 1);
        ByteBuf longData = Unpooled.buffer();
        longData.writeByte(0x18).writeIntLE(7).writeShortLE(0).writeBytes(new byte[] {0, (byte) 0xff, 0x10});
        statements.longData(longData);
        ByteBuf execute = Unpooled.buffer();
        execute.writeByte(0x17).writeIntLE(7).writeByte(0).writeIntLE(1);
        execute.writeByte(0x01); // null bitmap: parameter 0 is NULL
        execute.writeByte(1).writeShortLE(ColumnType.MYSQL_TYPE_LONG_BLOB);
        PreparedStatements.Execution execution = statements.execute(execute);
        List<BoundValue> bound = execution.bound(StandardCharsets.UTF_8, true);
        assertThat(bound).hasSize(1);
        assertThat(bound.getFirst()).isInstanceOfSatisfying(BoundValue.Bytes.class,
                b -> assertThat(b.value()).containsExactly(0, 0xff, 0x10));
        // consumed: the next execution without long data is NULL again
        ByteBuf again = Unpooled.buffer();
        again.writeByte(0x17).writeIntLE(7).writeByte(0).writeIntLE(1).writeByte(0x01).writeByte(0);
        assertThat(statements.execute(again).bound(StandardCharsets.UTF_8, true).getFirst())
                .isInstanceOf(BoundValue.Null.class);
    }

    /**
     * mysqli, mysqlclient and ODBC bind a BLOB as a string parameter: bytes not valid in the client's character set
     * go into the log as bytes, valid ones as text.
     */
    @Test
    void stringParametersWithInvalidBytesAreCarriedAsBytes() {
        PreparedStatements statements = withInsert(3, "INSERT INTO t VALUES (?, ?)", 2);
        ByteBuf execute = Unpooled.buffer();
        execute.writeByte(0x17).writeIntLE(3).writeByte(0).writeIntLE(1);
        execute.writeByte(0); // null bitmap
        execute.writeByte(1).writeShortLE(ColumnType.MYSQL_TYPE_VAR_STRING).writeShortLE(ColumnType.MYSQL_TYPE_STRING);
        execute.writeByte(3).writeBytes(new byte[] {(byte) 0xff, 0, (byte) 0x80});
        execute.writeByte(2).writeBytes(new byte[] {(byte) 0xc3, (byte) 0xa9});
        List<BoundValue> bound = statements.execute(execute).bound(StandardCharsets.UTF_8, true);
        assertThat(bound).hasSize(2);
        assertThat(bound.getFirst()).isInstanceOfSatisfying(BoundValue.Bytes.class,
                b -> assertThat(b.value()).containsExactly(0xff, 0, 0x80));
        assertThat(bound.get(1)).isEqualTo(new BoundValue.Text("\u00e9"));
        // Where the engine converted strings to another character set, the bytes it stored are not these.
        ByteBuf again = Unpooled.buffer();
        again.writeByte(0x17).writeIntLE(3).writeByte(0).writeIntLE(1).writeByte(0).writeByte(0);
        again.writeByte(1).writeBytes(new byte[] {(byte) 0xff});
        again.writeByte(1).writeBytes(new byte[] {'x'});
        assertThat(statements.execute(again).bound(StandardCharsets.UTF_8, false)).isNull();
    }

    /** A session's statements with one INSERT prepared as {@code id}. */
    private static PreparedStatements withInsert(int id, String sql, int params) {
        PreparedStatements statements = new PreparedStatements();
        Classification insert = new Classification(StatementKind.WRITE, "INSERT", false, Set.of(),
                TransactionEffect.NONE, Optional.empty(), List.of(), false, 0, 10, 1);
        statements.prepared(id, sql.getBytes(StandardCharsets.UTF_8), insert, params);
        return statements;
    }
}

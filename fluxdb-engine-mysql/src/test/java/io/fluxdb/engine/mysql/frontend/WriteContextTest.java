package io.fluxdb.engine.mysql.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.spi.BoundValue;
import io.fluxdb.protocol.constant.ColumnType;
import io.fluxdb.protocol.message.server.ColumnDefinition41;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WriteContextTest {

    private static final int UTF8MB4_GENERAL_CI = 45;
    private static final int BINARY = 63;

    @Test
    void stringVariablesKeepTheirTextAndBinaryOnesTheirBytes() {
        assertThat(WriteContext.value(column(UTF8MB4_GENERAL_CI), "caf\u00e9".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new BoundValue.Text("caf\u00e9"));
        assertThat(WriteContext.value(column(BINARY), new byte[] {'a', 'b'}))
                .isEqualTo(new BoundValue.Bytes(new byte[] {'a', 'b'}));
    }

    @Test
    void aStringVariableHoldingInvalidBytesKeepsThemRatherThanReplacementCharacters() {
        byte[] raw = {'a', (byte) 0xFF, 0, (byte) 0x80};
        assertThat(WriteContext.value(column(UTF8MB4_GENERAL_CI), raw)).isEqualTo(new BoundValue.Bytes(raw));
    }

    private static ColumnDefinition41 column(int collation) {
        return new ColumnDefinition41("def", "", "", "", "@v", "", collation, 64, ColumnType.MYSQL_TYPE_VAR_STRING, 0,
                39);
    }
}

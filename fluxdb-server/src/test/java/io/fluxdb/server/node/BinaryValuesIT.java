package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.engine.mysql.differential.WireClient;
import io.fluxdb.protocol.constant.CapabilityFlags;
import io.fluxdb.protocol.constant.ColumnType;
import io.fluxdb.protocol.message.client.ComQuery;
import io.fluxdb.protocol.message.client.ComStmtExecute;
import io.fluxdb.protocol.message.client.ComStmtPrepare;
import io.fluxdb.protocol.message.client.ParamType;
import io.fluxdb.protocol.message.server.ErrPacket;
import io.netty.buffer.Unpooled;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * Binary values written as raw bytes in the statement text, as drivers send a BLOB inline ({@code _binary'..'}):
 * through the leader and through a follower, every byte value reaches every node's engine unchanged.
 */
@Timeout(300)
class BinaryValuesIT {
    @RegisterExtension
    static final SharedCluster nodes = SharedCluster.withAppAccount(
            "CREATE TABLE app.bin (id INT PRIMARY KEY, b MEDIUMBLOB, v VARBINARY(300), n INT)");
    private static TestCluster cluster;
    private static int leader;
    private static int follower;

    @BeforeAll
    static void roles() {
        cluster = nodes.cluster();
        leader = nodes.leader();
        follower = nodes.follower();
    }

    @Test
    void everyByteValueSentInlineReachesEveryEngineThroughTheLeaderAndAFollower() throws Exception {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        byte[] random = new byte[200_000];
        new Random(42).nextBytes(random);
        List<String> expected = new ArrayList<>();
        int id = 0;
        for (int node : new int[] {leader, follower}) {
            try (Connection c = textProtocol(node);
                    PreparedStatement insert = c.prepareStatement("INSERT INTO bin (id, b, v) VALUES (?, ?, ?)")) {
                // One row per byte value, alone and between text bytes, then every value in one row.
                for (int b = 0; b < 256; b++) {
                    insert.setInt(1, ++id);
                    insert.setBytes(2, new byte[] {(byte) b});
                    insert.setBytes(3, new byte[] {'a', (byte) b, 'z'});
                    assertThat(insert.executeUpdate()).isEqualTo(1);
                    expected.add(id + ":" + hex(new byte[] {(byte) b}) + ":" + hex(new byte[] {'a', (byte) b, 'z'}));
                }
                insert.setInt(1, ++id);
                insert.setBytes(2, random);
                insert.setBytes(3, all);
                assertThat(insert.executeUpdate()).isEqualTo(1);
                expected.add(id + ":" + md5(random) + ":" + hex(all));
            }
        }
        cluster.assertSameEverywhere("SELECT CONCAT(id, ':', IF(LENGTH(b) > 1000, MD5(b), HEX(b)), ':', HEX(v))"
                + " FROM app.bin WHERE id <= " + id + " ORDER BY id", expected);
    }

    /**
     * mysqli, mysqlclient and ODBC bind a BLOB as a string parameter (MYSQL_TYPE_VAR_STRING) of a server-side
     * prepared statement: its bytes are not valid utf8mb4, and still reach every engine unchanged.
     */
    @Test
    void everyByteValueBoundAsAStringParameterReachesEveryEngine() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        List<String> expected = new ArrayList<>();
        try {
            int id = 20_000;
            for (int node : new int[] {leader, follower}) {
                InetSocketAddress address = cluster.node(node).clientAddress();
                try (WireClient client = WireClient.connect(group, address.getHostString(), address.getPort(), "app",
                        "app-password", "app", CapabilityFlags.CLIENT_TRANSACTIONS)) {
                    WireClient.Response prepared = client.execute(
                            new ComStmtPrepare("INSERT INTO bin (id, v) VALUES (?, ?)"));
                    assertThat(prepared.endedInError()).as("prepare").isFalse();
                    List<ParamType> types = List.of(new ParamType(ColumnType.MYSQL_TYPE_LONGLONG, false),
                            new ParamType(ColumnType.MYSQL_TYPE_VAR_STRING, false));
                    for (int b = 0; b < 256; b++) {
                        byte[] value = {(byte) b, (byte) 0xFF, 'x', (byte) b};
                        WireClient.Response executed = client.execute(new ComStmtExecute(prepared.statementId(), 0, 1,
                                true, types, java.util.Arrays.asList((long) ++id, value)));
                        assertThat(executed.endedInError()).as("execute with byte " + b).isFalse();
                        expected.add(id + ":" + hex(value));
                    }
                }
            }
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
        cluster.assertSameEverywhere("SELECT CONCAT(id, ':', HEX(v)) FROM app.bin WHERE id BETWEEN 20001 AND 29999"
                + " ORDER BY id", expected);
    }

    /**
     * Where the connection's character set is not the client's, the engine converts a string parameter ('?' for
     * bytes not valid in the client's), even into a BLOB: the bytes the client sent are not what the leader stored,
     * so the write is refused before it runs, and nothing is written anywhere.
     */
    @Test
    void aStringParameterTheEngineConvertsIsRefusedAndWritesNothing() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            InetSocketAddress address = cluster.node(follower).clientAddress();
            try (WireClient client = WireClient.connect(group, address.getHostString(), address.getPort(), "app",
                    "app-password", "app", CapabilityFlags.CLIENT_TRANSACTIONS)) {
                assertThat(client.execute(new ComQuery("SET character_set_connection = latin1")).endedInError())
                        .isFalse();
                WireClient.Response prepared = client.execute(
                        new ComStmtPrepare("INSERT INTO bin (id, b) VALUES (?, ?)"));
                WireClient.Response executed = client.execute(new ComStmtExecute(prepared.statementId(), 0, 1, true,
                        List.of(new ParamType(ColumnType.MYSQL_TYPE_LONGLONG, false),
                                new ParamType(ColumnType.MYSQL_TYPE_VAR_STRING, false)),
                        java.util.Arrays.asList(30_001L, new byte[] {'a', (byte) 0xFF})));
                assertThat(executed.endedInError()).isTrue();
                ErrPacket error = ErrPacket.decode(Unpooled.wrappedBuffer(executed.frames().getLast().payload()),
                        client.capabilities());
                assertThat(error.errorCode()).isEqualTo(1300);
                assertThat(error.message()).contains("string parameter").contains("latin1");
            }
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
        cluster.assertSameEverywhere("SELECT COUNT(*) FROM app.bin WHERE id = 30001", List.of("0"));
    }

    @Test
    void binaryValuesInConditionsAndUpdatesMatchTheSameRowsEverywhere() throws Exception {
        byte[] key = {(byte) 0xFF, 0, '\'', '\\', (byte) 0x80};
        try (Connection c = textProtocol(follower)) {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO bin (id, v, n) VALUES (?, ?, 0)")) {
                insert.setInt(1, 10_001);
                insert.setBytes(2, key);
                insert.executeUpdate();
                insert.setInt(1, 10_002);
                insert.setBytes(2, new byte[] {(byte) 0xFE});
                insert.executeUpdate();
            }
            try (PreparedStatement update = c.prepareStatement("UPDATE bin SET n = n + 1, b = ? WHERE v = ?")) {
                update.setBytes(1, new byte[] {(byte) 0xC3, 0x28});
                update.setBytes(2, key);
                assertThat(update.executeUpdate()).isEqualTo(1);
            }
        }
        cluster.assertSameEverywhere("SELECT CONCAT(id, ':', n, ':', IFNULL(HEX(b), 'NULL')) FROM app.bin"
                + " WHERE id BETWEEN 10001 AND 10002 ORDER BY id", List.of("10001:1:C328", "10002:0:NULL"));
    }

    @Test
    void aSchemaStatementWithInvalidBytesIsRefusedAndRunsNowhere() throws Exception {
        try (Connection c = textProtocol(leader);
                PreparedStatement create = c.prepareStatement("CREATE TABLE refused (a INT) COMMENT ?")) {
            create.setBytes(1, new byte[] {(byte) 0xFF});
            assertThatThrownBy(create::execute).isInstanceOfSatisfying(SQLException.class, e -> {
                assertThat(e.getErrorCode()).isEqualTo(1300);
                assertThat(e.getMessage()).contains("schema statement");
            });
        }
        cluster.assertSameEverywhere("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'refused'",
                List.of("0"));
    }

    /** Prepared statements the driver runs as text, sending setBytes values as {@code _binary'<raw bytes>'}. */
    private static Connection textProtocol(int node) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + cluster.node(node).clientAddress().getPort()
                + "/app?sslMode=disable&useServerPrepStmts=false", "app", "app-password");
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().withUpperCase().formatHex(bytes);
    }

    private static String md5(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    }
}

package io.fluxdb.protocol.client;

import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_DEPRECATE_EOF;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_MULTI_RESULTS;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_SESSION_TRACK;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_SSL;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_TRANSACTIONS;
import static io.fluxdb.protocol.constant.CapabilityFlags.MARIADB_CLIENT_STMT_BULK_OPERATIONS;
import static io.fluxdb.protocol.constant.CapabilityFlags.has;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.protocol.codec.Packet;
import io.fluxdb.protocol.codec.PacketFrameDecoder;
import io.fluxdb.protocol.codec.TlsUpgrade;
import io.fluxdb.protocol.constant.Collations;
import io.fluxdb.testkit.MariaDbProcess;
import io.fluxdb.testkit.PemFiles;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connector against a real MariaDB with TLS enabled (a self-signed certificate made by keytool). */
class ClientConnectorIT {
    private static final String USER = "flux";
    private static final String PASSWORD = "s3cret-pw";

    @TempDir
    static Path dir;

    static MariaDbProcess server;
    static EventLoopGroup group;
    static SslContext clientTls;

    @BeforeAll
    static void start() throws Exception {
        PemFiles.CertificateAndKey tls = PemFiles.selfSigned(dir);
        server = MariaDbProcess.builder()
                .option("ssl-cert", tls.certificate().toString())
                .option("ssl-key", tls.privateKey().toString())
                .start();
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(""), "root", server.rootPassword());
                Statement s = c.createStatement()) {
            s.execute("CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'");
            s.execute("CREATE DATABASE fluxdb_it");
            s.execute("GRANT ALL ON fluxdb_it.* TO '" + USER + "'@'%'");
        }
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        clientTls = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
        if (server != null) {
            server.close();
        }
    }

    static ClientHandshakeOptions options(String password, String database, TlsMode tls) {
        return new ClientHandshakeOptions(USER, database,
                CLIENT_TRANSACTIONS | CLIENT_MULTI_RESULTS | CLIENT_SESSION_TRACK | CLIENT_DEPRECATE_EOF
                        | MARIADB_CLIENT_STMT_BULK_OPERATIONS,
                Collations.UTF8MB4_GENERAL_CI, 1 << 24, Map.of("_client_name", "fluxdb-it"),
                plugin -> io.fluxdb.protocol.auth.AuthPlugins.client(plugin, password), tls, tls == TlsMode.DISABLED ? null : clientTls);
    }

    static ClientSession connect(ClientHandshakeOptions options) throws Exception {
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class);
        return MySqlClientConnector.connect(b, new InetSocketAddress(server.host(), server.port()), options,
                PacketFrameDecoder.DEFAULT_MAX_PAYLOAD).get(30, TimeUnit.SECONDS);
    }

    /** Sends COM_QUERY as raw packets and returns the response payloads up to the final OK/ERR. */
    static List<byte[]> query(ClientSession session, String sql) throws Exception {
        CompletableFuture<List<byte[]>> done = new CompletableFuture<>();
        List<byte[]> payloads = new ArrayList<>();
        session.channel().pipeline().addLast("query", new SimpleChannelInboundHandler<Packet>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, Packet p) {
                byte[] bytes = ByteBufUtil.getBytes(p.content());
                payloads.add(bytes);
                int header = bytes.length == 0 ? -1 : bytes[0] & 0xFF;
                // First packet OK/ERR, or (CLIENT_DEPRECATE_EOF) the 0xFE OK that ends the rows.
                if ((payloads.size() == 1 && (header == 0x00 || header == 0xFF))
                        || (payloads.size() > 1 && header == 0xFE && bytes.length < 0xFFFFFF) || header == 0xFF) {
                    ctx.pipeline().remove(this);
                    done.complete(payloads);
                }
            }
        });
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        session.channel().writeAndFlush(new Packet(0, Unpooled.buffer().writeByte(0x03).writeBytes(text)));
        return done.get(30, TimeUnit.SECONDS);
    }

    static boolean contains(List<byte[]> payloads, String text) {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        for (byte[] p : payloads) {
            if (ByteBufUtil.indexOf(Unpooled.wrappedBuffer(needle), Unpooled.wrappedBuffer(p)) >= 0) {
                return true;
            }
        }
        return false;
    }

    @Test
    void plainLoginWithTheRightPassword() throws Exception {
        ClientSession session = connect(options(PASSWORD, "fluxdb_it", TlsMode.DISABLED));
        try {
            assertThat(session.tls()).isFalse();
            assertThat(session.serverHandshake().serverVersion()).contains("MariaDB");
            assertThat(session.connectionId()).isPositive();
            assertThat(has(session.capabilities(), CLIENT_SSL)).isFalse();
            assertThat(has(session.capabilities(), MARIADB_CLIENT_STMT_BULK_OPERATIONS)).isTrue();
            assertThat(session.authPluginName()).isEqualTo("mysql_native_password");
            assertThat(session.channel().pipeline().get(ClientHandshakeHandler.class)).isNull();
            // The channel is usable for raw packets: the server reports the user and schema we asked for.
            List<byte[]> rows = query(session, "SELECT CURRENT_USER(), DATABASE(), CONNECTION_ID()");
            assertThat(contains(rows, USER + "@%")).isTrue();
            assertThat(contains(rows, "fluxdb_it")).isTrue();
            assertThat(contains(rows, Long.toString(session.connectionId()))).isTrue();
        } finally {
            session.channel().close().sync();
        }
    }

    @Test
    void wrongPasswordPassesTheServersErrorThrough() {
        assertThatThrownBy(() -> connect(options("wrong", null, TlsMode.DISABLED)))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(MySqlServerException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(1045);
                    assertThat(e.sqlState()).isEqualTo("28000");
                    assertThat(e.getMessage()).startsWith("Access denied for user 'flux'@");
                });
    }

    @Test
    void tlsLogin() throws Exception {
        ClientSession session = connect(options(PASSWORD, null, TlsMode.REQUIRED));
        try {
            assertThat(session.tls()).isTrue();
            assertThat(has(session.capabilities(), CLIENT_SSL)).isTrue();
            SslHandler ssl = (SslHandler) session.channel().pipeline().get(TlsUpgrade.HANDLER_NAME);
            assertThat(ssl.engine().getSession().getProtocol()).startsWith("TLSv1.");
            // The server agrees the session is encrypted.
            List<byte[]> rows = query(session, "SHOW SESSION STATUS LIKE 'Ssl_version'");
            assertThat(contains(rows, ssl.engine().getSession().getProtocol())).isTrue();
        } finally {
            session.channel().close().sync();
        }
    }

    @Test
    void tlsWithAWrongPasswordStillFailsWithTheServersError() {
        assertThatThrownBy(() -> connect(options("nope", null, TlsMode.PREFERRED)))
                .cause()
                .isInstanceOfSatisfying(MySqlServerException.class, e -> assertThat(e.errorCode()).isEqualTo(1045));
    }
}

package io.fluxdb.engine.mysql.backend;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.mysql.transport.Transport;
import io.fluxdb.protocol.auth.AuthPlugins;
import io.fluxdb.protocol.auth.ClientAuthOptions;
import io.fluxdb.protocol.auth.Credential;
import io.fluxdb.protocol.client.ClientHandshakeOptions;
import io.fluxdb.protocol.client.ClientSession;
import io.fluxdb.protocol.client.MySqlClientConnector;
import io.fluxdb.protocol.client.MySqlServerException;
import io.fluxdb.protocol.client.TlsMode;
import io.fluxdb.protocol.codec.PacketFrameDecoder;
import io.fluxdb.protocol.constant.CapabilityFlags;
import io.netty.bootstrap.Bootstrap;
import io.netty.handler.ssl.SslContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Logs in to the local engine over TCP as a client's own user, with the credential the operator
 * recovered while authenticating that client (SHA1(password) for native accounts), so the engine
 * applies that user's privileges to every statement.
 */
public final class MySqlBackendConnector implements BackendConnector {
    private static final Map<String, String> ATTRIBUTES = Map.of("_client_name", "fluxdb", "program_name", "fluxdb");

    /** The longest a login to the engine may take by default, from the TCP connect to its OK packet. */
    public static final Duration DEFAULT_LOGIN_TIMEOUT = Duration.ofSeconds(10);

    private final Transport transport;
    private final InetSocketAddress engine;
    private final Duration loginTimeout;
    private final EngineTls tls;

    /** @param transport the transport of the event loops that {@link #connect} is given */
    public MySqlBackendConnector(Transport transport, String host, int port) {
        this(transport, host, port, DEFAULT_LOGIN_TIMEOUT, EngineTls.DEFAULT);
    }

    /** @param loginTimeout the longest a login may take, from the TCP connect to the engine's OK packet */
    public MySqlBackendConnector(Transport transport, String host, int port, Duration loginTimeout) {
        this(transport, host, port, loginTimeout, EngineTls.DEFAULT);
    }

    /** @param tls when and how connections to the engine use TLS */
    public MySqlBackendConnector(Transport transport, String host, int port, Duration loginTimeout, EngineTls tls) {
        this.transport = requireNonNull(transport, "transport is null");
        this.engine = InetSocketAddress.createUnresolved(requireNonNull(host, "host is null"), port);
        this.loginTimeout = requireNonNull(loginTimeout, "loginTimeout is null");
        this.tls = requireNonNull(tls, "tls is null");
    }

    @Override
    public CompletableFuture<BackendConnection> connect(BackendKey key, Credential credential, EventLoop eventLoop) {
        boolean useTls = tls.uses(key);
        if (!useTls && CapabilityFlags.has(key.capabilities(), CapabilityFlags.CLIENT_SSL)) {
            return CompletableFuture.failedFuture(new BackendLoginException(1045, "28000", "Access denied for user '"
                    + key.user() + "': the account requires TLS, and the operator's TLS to the engine is off (ENGINE_TLS)"));
        }
        return connect("the engine", transport, engine, key, credential, eventLoop, loginTimeout,
                useTls ? TlsMode.REQUIRED : TlsMode.DISABLED, useTls ? tls.context() : null, ATTRIBUTES,
                scramble -> Map.of());
    }

    /**
     * Logs in to any MySQL server (an engine, or another node's operator) as {@code key.user()}, and completes with
     * the connection once the server's OK arrived, or with the server's refusal as a {@link BackendLoginException}.
     *
     * @param name what {@code target} is, for errors ("the engine")
     * @param target where to connect (resolved when the connection is made)
     * @param loginTimeout the longest the login may take, from the TCP connect to the OK packet
     * @param tlsMode whether to use TLS; {@code sslContext} is required unless it is {@link TlsMode#DISABLED}
     * @param attributes the connection attributes sent in the handshake response
     * @param scrambleAttributes more attributes, made from the server's scramble (a proof bound to this connection)
     */
    public static CompletableFuture<BackendConnection> connect(String name, Transport transport,
            InetSocketAddress target, BackendKey key, Credential credential, EventLoop eventLoop, Duration loginTimeout,
            TlsMode tlsMode, SslContext sslContext, Map<String, String> attributes,
            java.util.function.Function<byte[], Map<String, String>> scrambleAttributes) {
        Bootstrap bootstrap = new Bootstrap()
                .group(eventLoop)
                .channel(transport.channel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) loginTimeout.toMillis());
        ClientHandshakeOptions options = new ClientHandshakeOptions(key.user(), key.database(), key.capabilities(),
                key.collation(), 1 << 30, attributes,
                plugin -> AuthPlugins.client(plugin, credential, ClientAuthOptions.DEFAULT), tlsMode, sslContext,
                scrambleAttributes);
        CompletableFuture<BackendConnection> result = new CompletableFuture<>();
        InetSocketAddress remote = new InetSocketAddress(target.getHostString(), target.getPort());
        Future<?> login = MySqlClientConnector.connect(bootstrap, remote, options, PacketFrameDecoder.DEFAULT_MAX_PAYLOAD)
                .addListener(f -> {
                    if (f.isCancelled()) {
                        return;
                    }
                    if (f.isSuccess()) {
                        ClientSession session = (ClientSession) f.getNow();
                        BackendConnection connection = new BackendConnection(session.channel(), key,
                                session.connectionId(), session.serverHandshake().serverVersion());
                        connection.attach();
                        result.complete(connection);
                    } else if (f.cause() instanceof MySqlServerException e) {
                        result.completeExceptionally(new BackendLoginException(e.errorCode(), e.sqlState(), e.getMessage()));
                    } else {
                        result.completeExceptionally(f.cause());
                    }
                });
        // A server that accepts the connection but never finishes the handshake must not hold the login (and
        // its place among the logins in flight) for ever.
        ScheduledFuture<?> deadline = eventLoop.schedule(() -> {
            if (login.cancel(false)) {
                result.completeExceptionally(new ConnectTimeoutException("no login to " + name + " at "
                        + target.getHostString() + ":" + target.getPort() + " within " + describe(loginTimeout)
                        + " (login not finished)"));
            }
        }, loginTimeout.toMillis(), TimeUnit.MILLISECONDS);
        result.whenComplete((c, error) -> deadline.cancel(false));
        return result;
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}

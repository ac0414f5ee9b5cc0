package io.fluxdb.engine.mysql.frontend;

import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.mysql.account.Account;
import io.fluxdb.engine.mysql.account.TlsRequirement;
import io.fluxdb.protocol.FluxException;
import io.fluxdb.protocol.auth.AuthException;
import io.fluxdb.protocol.auth.AuthOutcome;
import io.fluxdb.protocol.auth.AuthPlugins;
import io.fluxdb.protocol.auth.Credential;
import io.fluxdb.protocol.auth.NativePassword;
import io.fluxdb.protocol.auth.Scrambles;
import io.fluxdb.protocol.auth.ServerAuthConfig;
import io.fluxdb.protocol.auth.ServerAuthenticator;
import io.fluxdb.protocol.auth.StoredAccount;
import io.fluxdb.protocol.constant.MySqlError;
import java.net.InetAddress;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One authentication exchange of a client against the engine's accounts (at login and at
 * COM_CHANGE_USER). It turns the protocol module's {@link AuthOutcome}s into the steps a session
 * performs, and on success yields the credential the operator logs in to the engine with.
 */
final class Authentication {
    private static final Logger log = LoggerFactory.getLogger(Authentication.class);
    /** How long a login with an unknown user name waits for this node to catch up with the leader. */
    private static final java.time.Duration CATCH_UP = java.time.Duration.ofSeconds(2);

    /** What the session does next. */
    sealed interface Step {}

    /**
     * Authenticated: log in to the engine as {@code user} with {@code credential}. {@code plugin} is the
     * one the client authenticated with, after any switch.
     */
    record Authenticated(String user, String plugin, Credential credential, byte[] moreDataBeforeOk, boolean engineTls)
            implements Step {}

    /** Send AuthMoreData with {@code data} and feed the reply to {@link #next}. */
    record SendMoreData(byte[] data) implements Step {}

    /** Send AuthSwitchRequest and feed the reply to {@link #next}. */
    record SwitchPlugin(String plugin, byte[] data) implements Step {}

    /** Refuse with this error and close. */
    record Denied(FluxException error) implements Step {}

    private final String user;
    private final InetAddress address;
    private final byte[] scramble;
    private final boolean secure;
    private boolean passwordGiven;
    private StoredAccount account;
    private TlsRequirement tlsRequirement = TlsRequirement.NONE;
    private ServerAuthConfig config;
    private ServerAuthenticator authenticator;
    private boolean switched;
    private boolean awaitingSwitchReply;
    /** The last denial was a wrong password (not a lock, a TLS rule or a plugin the operator cannot verify). */
    private boolean wrongPassword;

    Authentication(String user, InetAddress address, byte[] scramble, boolean secure, boolean passwordGiven) {
        this.user = requireNonNull(user, "user is null");
        this.address = requireNonNull(address, "address is null");
        this.scramble = requireNonNull(scramble, "scramble is null").clone();
        this.secure = secure;
        this.passwordGiven = passwordGiven;
    }

    /**
     * Looks up the account and verifies the client's first auth response. Blocking (the account
     * lookup may query the engine): run it off the event loop.
     */
    Step start(FrontEndServices services, String clientPlugin, byte[] authResponse) {
        Optional<Account> account;
        try {
            account = services.accounts().find(user, address, null);
            if (account.isEmpty() && services.cluster().isPresent() && caughtUpWithTheLeader(services)) {
                // An account created through the cluster a moment ago may not have been applied here yet.
                account = services.accounts().find(user, address, null);
            }
        } catch (Exception e) {
            log.warn("user={} - cannot read the engine's accounts: {}", user, e.toString());
            return new Denied(new FluxException(MySqlError.ER_UNKNOWN_ERROR,
                    "cannot verify the account: the engine's account list is unavailable"));
        }
        if (account.isEmpty()) {
            if (clientPlugin.equals(NativePassword.NAME)) {
                return denied("no account matches");
            }
            // MariaDB answers a user it does not know as a mysql_native_password account: a client that
            // started with another plugin is switched first, and "using password" follows its reply.
            awaitingSwitchReply = true;
            return new SwitchPlugin(NativePassword.NAME, Scrambles.withNul(scramble));
        }
        if (account.get().locked()) {
            return denied("account is locked");
        }
        Optional<Step> unusable = use(account.get(), services, clientPlugin);
        if (unusable.isPresent()) {
            return unusable.get();
        }
        Step first = next(authResponse);
        if (first instanceof Denied && wrongPassword && services.cluster().isPresent()) {
            return withPasswordChangedThroughTheCluster(services, clientPlugin, authResponse).orElse(first);
        }
        return first;
    }

    /** Takes {@code a} as the account to verify the client against; a step when it cannot be. */
    private Optional<Step> use(Account a, FrontEndServices services, String clientPlugin) {
        this.tlsRequirement = a.tls();
        this.account = new StoredAccount(a.user(), a.plugin(), a.authenticationString());
        this.config = services.auth();
        try {
            authenticator = AuthPlugins.server(clientPlugin, scramble, this.account, config);
        } catch (AuthException e) {
            log.info("user={} - account uses an authentication plugin the operator cannot verify: {}", user, e.getMessage());
            return Optional.of(new Denied(new FluxException(MySqlError.ER_NOT_SUPPORTED_AUTH_MODE)));
        }
        return Optional.empty();
    }

    /**
     * A wrong password in a cluster may be a new one, set through another node a moment ago (ALTER USER, SET PASSWORD)
     * and not applied here yet: once this node has caught up with the leader (as for an unknown user name, at most
     * {@link #CATCH_UP}), and if it applied anything meanwhile, the account is read again and, when its credential
     * changed, the client's first response is verified against the new one. Empty when that changes nothing.
     */
    private Optional<Step> withPasswordChangedThroughTheCluster(FrontEndServices services, String clientPlugin,
            byte[] authResponse) {
        io.fluxdb.engine.spi.Cluster cluster = services.cluster().get().cluster();
        long before = cluster.appliedIndex();
        String stored = account.authenticationString();
        if (!caughtUpWithTheLeader(services) || cluster.appliedIndex() == before) {
            return Optional.empty();
        }
        services.accounts().invalidate();
        Optional<Account> fresh;
        try {
            fresh = services.accounts().find(user, address, null);
        } catch (Exception e) {
            return Optional.empty();
        }
        if (fresh.isEmpty() || fresh.get().locked() || fresh.get().authenticationString().equals(stored)) {
            return Optional.empty();
        }
        log.info("user={} - the account changed since this node last read it; verifying against it", user);
        Optional<Step> unusable = use(fresh.get(), services, clientPlugin);
        return unusable.isPresent() ? unusable : Optional.of(next(authResponse));
    }

    /**
     * Waits, as a strong read does but for at most {@link #CATCH_UP}, until this node has applied everything the
     * leader had committed; false when it could not (no leader, no majority), and the login goes on with what the
     * node has. Bounded short: every unknown user name costs a wait, and a blocking thread with it.
     */
    private static boolean caughtUpWithTheLeader(FrontEndServices services) {
        try {
            ReadBarrier.caughtUpWithTheLeader(services.cluster().get().cluster(), CATCH_UP)
                    .get(CATCH_UP.toMillis() + 100, java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    /** Verifies the client's next auth packet. */
    Step next(byte[] data) {
        if (awaitingSwitchReply) {
            // The reply to an AuthSwitchRequest: only now does the client say whether it has a password.
            awaitingSwitchReply = false;
            passwordGiven = data.length > 1 || (data.length == 1 && data[0] != 0);
            if (account == null) {
                return denied("no account matches");
            }
        }
        if (authenticator == null) {
            // The client spoke before it was asked: only a misbehaving client does that.
            return new Denied(new FluxException(MySqlError.ER_HANDSHAKE_ERROR));
        }
        AuthOutcome outcome;
        try {
            outcome = authenticator.onClientData(data, secure);
        } catch (AuthException e) {
            return denied(e.getMessage());
        }
        return switch (outcome) {
            case AuthOutcome.Success s -> accepted(s);
            case AuthOutcome.Failure f -> {
                wrongPassword = true;
                yield denied(f.reason());
            }
            case AuthOutcome.MoreData m -> new SendMoreData(m.data());
            case AuthOutcome.SwitchPlugin s -> switchTo(s);
        };
    }

    /**
     * The password was right; the account's TLS requirement decides. A client without TLS is refused as MariaDB
     * refuses it (1045). {@code REQUIRE SSL} is met by TLS on the client's leg and passed on by TLS on the engine's.
     * {@code REQUIRE X509} (or SUBJECT, ISSUER, CIPHER) asks the engine to check a client certificate that only the
     * client holds: a proxy cannot show it, so such an account is refused with an error that says so.
     */
    private Step accepted(AuthOutcome.Success s) {
        if (tlsRequirement != TlsRequirement.NONE && !secure) {
            return denied("account requires TLS (REQUIRE " + (tlsRequirement == TlsRequirement.ANY ? "SSL" : tlsRequirement)
                    + ") and the client did not use it");
        }
        if (tlsRequirement == TlsRequirement.X509 || tlsRequirement == TlsRequirement.SPECIFIED) {
            log.info("user={} host={} - refused: the account requires a client certificate", user, address.getHostAddress());
            return new Denied(new FluxException(MySqlError.ER_NOT_SUPPORTED_YET, "accounts that REQUIRE X509, SUBJECT,"
                    + " ISSUER or CIPHER: the engine checks the client's certificate, which an operator in between cannot"
                    + " present; use REQUIRE SSL"));
        }
        return new Authenticated(user, authenticator.pluginName(), s.backendCredential(), s.moreDataBeforeOk(),
                tlsRequirement == TlsRequirement.ANY);
    }

    /**
     * The client's reply to an AuthSwitchRequest is the first response of the plugin it was
     * switched to, computed over the data sent with the request (the same scramble), so a new
     * authenticator for that plugin verifies it. As MySQL and MariaDB servers do, a client is
     * switched at most once.
     */
    private Step switchTo(AuthOutcome.SwitchPlugin s) {
        if (switched) {
            return denied("asked to switch to " + s.pluginName() + " after a switch");
        }
        switched = true;
        awaitingSwitchReply = true;
        authenticator = AuthPlugins.server(s.pluginName(), scramble, account, config);
        return new SwitchPlugin(s.pluginName(), s.pluginData());
    }

    private Step denied(String reason) {
        log.info("user={} host={} - access denied: {}", user, address.getHostAddress(), reason);
        return new Denied(new FluxException(MySqlError.ER_ACCESS_DENIED_ERROR, user, address.getHostAddress(),
                passwordGiven ? "YES" : "NO"));
    }
}

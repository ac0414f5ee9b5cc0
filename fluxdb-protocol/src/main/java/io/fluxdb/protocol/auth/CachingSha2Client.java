package io.fluxdb.protocol.auth;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Optional;

/**
 * Client side of {@code caching_sha2_password}: the scramble first; after "perform full
 * authentication" the password, in cleartext over TLS, else RSA-encrypted with the configured
 * server key or with the key the server sends on request.
 */
final class CachingSha2Client implements ClientAuthenticator {
    private enum State { INITIAL, SCRAMBLE_SENT, AWAITING_KEY, PASSWORD_SENT, DONE }

    private final byte[] password;
    private final ClientAuthOptions options;
    private State state = State.INITIAL;
    private byte[] nonce;
    private boolean secure;

    CachingSha2Client(Credential.Password password, ClientAuthOptions options) {
        this.password = requireNonNull(password, "password is null").bytes();
        this.options = requireNonNull(options, "options is null");
    }

    @Override
    public String pluginName() {
        return CachingSha2Password.NAME;
    }

    @Override
    public byte[] initialResponse(byte[] scramble, boolean secure) {
        this.nonce = Scrambles.normalize(scramble);
        this.secure = secure;
        this.state = State.SCRAMBLE_SENT;
        return CachingSha2Password.scramble(password, nonce);
    }

    @Override
    public Optional<byte[]> onMoreData(byte[] data) {
        requireNonNull(data, "data is null");
        switch (state) {
            case SCRAMBLE_SENT -> {
                if (data.length == 1 && data[0] == CachingSha2Password.FAST_AUTH_SUCCESS) {
                    state = State.DONE;
                    return Optional.empty();
                }
                if (data.length == 1 && data[0] == CachingSha2Password.PERFORM_FULL_AUTHENTICATION) {
                    return Optional.of(fullAuthentication());
                }
            }
            case AWAITING_KEY -> {
                RSAPublicKey key = RsaKeyPair.parsePublicKeyPem(new String(data, StandardCharsets.US_ASCII));
                state = State.PASSWORD_SENT;
                return Optional.of(CachingSha2Password.encryptPassword(password, nonce, key));
            }
            default -> {
                // Any other state expects OK or ERR, never AuthMoreData.
            }
        }
        throw new AuthException("caching_sha2_password: unexpected AuthMoreData (" + data.length
                + " bytes) in state " + state);
    }

    private byte[] fullAuthentication() {
        if (secure) {
            state = State.PASSWORD_SENT;
            return Arrays.copyOf(password, password.length + 1);
        }
        if (options.serverPublicKey() != null) {
            state = State.PASSWORD_SENT;
            return CachingSha2Password.encryptPassword(password, nonce, options.serverPublicKey());
        }
        if (options.allowPublicKeyRetrieval()) {
            state = State.AWAITING_KEY;
            return new byte[] {CachingSha2Password.REQUEST_PUBLIC_KEY};
        }
        throw new AuthException("caching_sha2_password: full authentication needs TLS, a configured server "
                + "public key, or allowPublicKeyRetrieval");
    }

    @Override
    public String toString() {
        return "CachingSha2Client[state=" + state + ", password=***]";
    }
}

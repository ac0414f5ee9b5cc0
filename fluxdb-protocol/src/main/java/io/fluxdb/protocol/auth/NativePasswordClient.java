package io.fluxdb.protocol.auth;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** Client side of {@code mysql_native_password}, from a password or from SHA1(password). */
final class NativePasswordClient implements ClientAuthenticator {
    private final Credential credential;

    NativePasswordClient(Credential credential) {
        this.credential = requireNonNull(credential, "credential is null");
    }

    @Override
    public String pluginName() {
        return NativePassword.NAME;
    }

    @Override
    public byte[] initialResponse(byte[] scramble, boolean secure) {
        requireNonNull(scramble, "scramble is null");
        return switch (credential) {
            case Credential.Password p -> NativePassword.response(p.bytes(), scramble);
            case Credential.NativeHash h -> NativePassword.backendResponse(h.sha1(), scramble);
        };
    }

    @Override
    public Optional<byte[]> onMoreData(byte[] data) {
        throw new AuthException("mysql_native_password: unexpected AuthMoreData (" + data.length + " bytes)");
    }

    @Override
    public String toString() {
        return "NativePasswordClient[credential=***]";
    }
}

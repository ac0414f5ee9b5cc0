package io.fluxdb.protocol.auth;

import static java.util.Objects.requireNonNull;

/** What a {@link ServerAuthenticator} decided about the client's last auth response. */
public sealed interface AuthOutcome {
    /**
     * The client proved its identity: send {@code moreDataBeforeOk} in an AuthMoreData packet if
     * it is not empty (caching_sha2_password's fast-auth-success marker), then OK.
     * {@code backendCredential} is what the operator uses to log in to the engine as this client
     * (see {@link AuthPlugins#client(String, Credential, ClientAuthOptions)}): SHA1(password) for
     * native accounts, the password itself only when nothing weaker will do.
     */
    record Success(Credential backendCredential, byte[] moreDataBeforeOk) implements AuthOutcome {
        public Success {
            requireNonNull(backendCredential, "backendCredential is null");
            moreDataBeforeOk = requireNonNull(moreDataBeforeOk, "moreDataBeforeOk is null").clone();
        }

        /** Success answered with OK alone. */
        public Success(Credential backendCredential) {
            this(backendCredential, new byte[0]);
        }

        @Override
        public byte[] moreDataBeforeOk() {
            return moreDataBeforeOk.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Success s && backendCredential.equals(s.backendCredential)
                    && java.util.Arrays.equals(moreDataBeforeOk, s.moreDataBeforeOk);
        }

        @Override
        public int hashCode() {
            return backendCredential.hashCode() * 31 + java.util.Arrays.hashCode(moreDataBeforeOk);
        }

        @Override
        public String toString() {
            return "Success[backendCredential=" + backendCredential + ", moreDataBeforeOk="
                    + moreDataBeforeOk.length + " bytes]";
        }
    }

    /**
     * The client failed. Answer with ER_ACCESS_DENIED_ERROR and close. {@code reason} is for the
     * server's log only: it never contains secrets, but telling the client why helps an attacker.
     */
    record Failure(String reason) implements AuthOutcome {
        public Failure {
            requireNonNull(reason, "reason is null");
        }
    }

    /** Send {@code data} in an AuthMoreData packet (0x01 header, then data) and read the next response. */
    record MoreData(byte[] data) implements AuthOutcome {
        public MoreData {
            data = requireNonNull(data, "data is null").clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MoreData m && java.util.Arrays.equals(data, m.data);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "MoreData[" + data.length + " bytes]";
        }
    }

    /**
     * Send an AuthSwitchRequest (0xFE, the plugin name NUL-terminated, then pluginData) and hand
     * the client's reply to a new authenticator for {@code pluginName} created with the same
     * scramble.
     */
    record SwitchPlugin(String pluginName, byte[] pluginData) implements AuthOutcome {
        public SwitchPlugin {
            requireNonNull(pluginName, "pluginName is null");
            pluginData = requireNonNull(pluginData, "pluginData is null").clone();
        }

        @Override
        public byte[] pluginData() {
            return pluginData.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SwitchPlugin s && pluginName.equals(s.pluginName)
                    && java.util.Arrays.equals(pluginData, s.pluginData);
        }

        @Override
        public int hashCode() {
            return pluginName.hashCode() * 31 + java.util.Arrays.hashCode(pluginData);
        }

        @Override
        public String toString() {
            return "SwitchPlugin[" + pluginName + "]";
        }
    }
}

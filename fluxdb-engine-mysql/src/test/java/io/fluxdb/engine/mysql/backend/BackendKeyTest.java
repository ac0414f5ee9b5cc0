package io.fluxdb.engine.mysql.backend;

import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_CONNECT_WITH_DB;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_PROTOCOL_41;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BackendKeyTest {
    @Test
    void connectWithDbFollowsTheDatabase() {
        assertThat(new BackendKey("u", CLIENT_PROTOCOL_41 | CLIENT_CONNECT_WITH_DB, 45, "").capabilities())
                .isEqualTo(CLIENT_PROTOCOL_41);
        assertThat(new BackendKey("u", CLIENT_PROTOCOL_41, 45, "shop").capabilities())
                .isEqualTo(CLIENT_PROTOCOL_41 | CLIENT_CONNECT_WITH_DB);
        // Keys that differ only in how the caller spelled the flag are the same pool key.
        assertThat(new BackendKey("u", CLIENT_PROTOCOL_41 | CLIENT_CONNECT_WITH_DB, 45, ""))
                .isEqualTo(new BackendKey("u", CLIENT_PROTOCOL_41, 45, ""));
    }
}

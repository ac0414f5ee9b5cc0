package io.fluxdb.engine.mysql.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.mysql.frontend.RawClient.RawPacket;
import io.fluxdb.engine.mysql.testing.TestOperator;
import io.fluxdb.protocol.constant.CommandType;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A command the operator accepts (under its MAX_PACKET_SIZE) but its engine does not (over the engine's
 * max_allowed_packet), sent as several 16 MiB packets: the engine drops the connection, and the client's answer
 * follows the protocol (its sequence id comes after the command's last packet), then the close; the operator serves
 * others on.
 */
class OversizedForEngineIT {
    /** The largest physical payload; a command this long or longer goes on in the next packet. */
    private static final int MAX_PHYSICAL = 0xFF_FFFF;

    @RegisterExtension
    static final MariaDbExtension MARIADB = new MariaDbExtension(b -> b.option("max_allowed_packet", "1M"));

    private static TestOperator operator;
    private static String password;

    @BeforeAll
    static void start(MariaDbProcess db) {
        password = db.rootPassword();
        operator = TestOperator.start(db, Map.of("max-packet-size", Long.toString(64L << 20)));
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.close();
        }
    }

    @Test
    void aTwoPacketCommandTheEngineRefusesIsAnsweredInSequence() throws Exception {
        byte[] sql = new byte[MAX_PHYSICAL + 1000];
        Arrays.fill(sql, (byte) ' ');
        byte[] select = "SELECT 1".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(select, 0, sql, 0, select.length);
        byte[] payload = RawClient.command(CommandType.COM_QUERY, sql);
        try (RawClient client = RawClient.login(operator.port(), "root", password)) {
            client.write(0, Arrays.copyOfRange(payload, 0, MAX_PHYSICAL));
            client.write(1, Arrays.copyOfRange(payload, MAX_PHYSICAL, payload.length));
            RawPacket reply = client.readPacket();
            assertThat(reply.isErr()).as("an error, not a result").isTrue();
            assertThat(reply.sequenceId()).as("after the command's packets 0 and 1").isEqualTo(2);
            assertThat(client.closedByServer(Duration.ofSeconds(10))).isTrue();
        }
        RawClient.assertServes(operator, password);
    }
}

package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.discovery.DiscoveryException;
import io.fluxdb.discovery.Peer;
import io.fluxdb.discovery.fluxos.FluxOsClient;
import io.fluxdb.discovery.fluxos.RetryPolicy;
import io.fluxdb.testkit.FluxOsEmulator;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClientAppSourceTest {
    private FluxOsEmulator fluxos;
    private ClientAppSource source;

    @BeforeEach
    void start() throws Exception {
        fluxos = FluxOsEmulator.start();
        FluxOsClient client = FluxOsClient.create(fluxos.baseUrl().toString(), Duration.ofSeconds(10),
                new RetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(10)));
        source = new ClientAppSource(client, "shopfront", 3307);
    }

    @AfterEach
    void stop() {
        fluxos.close();
    }

    @Test
    void listsEachInstanceAddressOnceWithoutFluxOsPort() throws Exception {
        fluxos.setLocations("shopfront", "192.0.2.9:16187", "192.0.2.7", "192.0.2.9");
        assertThat(source.lookup()).extracting(Peer::host).containsExactly("192.0.2.7", "192.0.2.9");
    }

    @Test
    void anEmptyListIsAnAnswer() throws Exception {
        fluxos.setLocations("shopfront");
        assertThat(source.lookup()).isEmpty();
    }

    @Test
    void anAddressThatIsNotAnIpMakesTheAnswerGarbage() {
        fluxos.setLocations("shopfront", "192.0.2.7", "shop.example.com");
        assertThatThrownBy(source::lookup).isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("'shop.example.com', which is not an IP address");
    }
}

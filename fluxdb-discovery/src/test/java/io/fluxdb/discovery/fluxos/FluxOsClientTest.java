package io.fluxdb.discovery.fluxos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.squareup.moshi.Moshi;
import io.fluxdb.discovery.DiscoveryException;
import io.fluxdb.discovery.Peer;
import io.fluxdb.discovery.json.AppLocation;
import io.fluxdb.testkit.FluxOsEmulator;
import io.fluxdb.testkit.FluxOsEmulator.Location;
import io.fluxdb.testkit.FluxOsEmulator.Mode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class FluxOsClientTest {
    static final Duration TIMEOUT = Duration.ofMillis(300);
    static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(20), Duration.ofMillis(40));

    FluxOsEmulator fluxos;
    FluxOsClient client;

    @BeforeEach
    void start() throws Exception {
        fluxos = FluxOsEmulator.start();
        client = client(fluxos, FAST);
    }

    @AfterEach
    void stop() {
        fluxos.close();
    }

    static FluxOsClient client(FluxOsEmulator fluxos, RetryPolicy retry) {
        return new FluxOsClient(FluxOsClient.httpClient(TIMEOUT), new Moshi.Builder().build(),
                HttpUrl.get(fluxos.baseUrl().toString()), retry);
    }

    @Test
    void locationsWithAndWithoutFluxOsPort() throws Exception {
        fluxos.setLocations("mydb", List.of(new Location("10.0.0.2:16127", false, 3600),
                new Location("10.0.0.1", true, 86_400), Location.of("10.0.0.3:16187")));

        List<AppLocation> locations = client.locations("mydb");

        assertThat(locations).extracting(AppLocation::ip).containsExactly("10.0.0.2:16127", "10.0.0.1", "10.0.0.3:16187");
        assertThat(locations).extracting(AppLocation::host).containsExactly("10.0.0.2", "10.0.0.1", "10.0.0.3");
        assertThat(locations.getFirst().staticIp()).isFalse();
        assertThat(locations.getFirst().osUptime()).isEqualTo(3600.0);
    }

    @Test
    void peerSourceGivesEveryInstanceOnTheAppsApiPort() throws Exception {
        fluxos.setLocations("mydb", List.of(new Location("10.0.0.2:16127", false, 3600), Location.of("10.0.0.1")));

        List<Peer> peers = new FluxOsPeerSource(client, "mydb", 33950).lookup();

        assertThat(peers).containsExactly(
                new Peer("10.0.0.1", 33950, Optional.of(true), OptionalLong.of(86_400)),
                new Peer("10.0.0.2", 33950, Optional.of(false), OptionalLong.of(3600)));
    }

    @Test
    void emptyLocationListIsNoAnswer() {
        fluxos.setLocations("mydb", List.of());

        assertThatThrownBy(() -> new FluxOsPeerSource(client, "mydb", 7071).lookup())
                .isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("no running instance of app mydb");
    }

    @Test
    void specificationGivesInstances() throws Exception {
        fluxos.setInstances("mydb", 5);

        assertThat(client.specification("mydb").instances()).isEqualTo(5);
        assertThat(client.specification("mydb").compose()).extracting(c -> c.name()).containsExactly("operator", "mysql");
        assertThat(new FluxOsPeerSource(client, "mydb", 7071).expectedInstances()).isEqualTo(5);
    }

    @Test
    void unknownAppReportsFluxOsMessage() {
        assertThatThrownBy(() -> client.locations("nosuchapp"))
                .isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("/apps/location/nosuchapp")
                .hasMessageContaining("Application not found");
    }

    @Test
    void httpErrorIsTriedAgainThenFails() {
        fluxos.setMode(Mode.FAIL);

        assertThatThrownBy(() -> client.locations("mydb"))
                .isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("HTTP 503")
                .hasMessageContaining("3 tries");
        assertThat(fluxos.requestCount("/apps/location/mydb")).isEqualTo(3);
    }

    @Test
    void garbageAndWrongShapeAreFailures() {
        fluxos.setLocations("mydb", "10.0.0.1");
        fluxos.setMode(Mode.GARBAGE);
        assertThatThrownBy(() -> client.locations("mydb")).isInstanceOf(DiscoveryException.class);

        fluxos.setMode(Mode.WRONG_SHAPE);
        assertThatThrownBy(() -> client.locations("mydb")).isInstanceOf(DiscoveryException.class);
        assertThatThrownBy(() -> client.specification("mydb")).isInstanceOf(DiscoveryException.class);
    }

    @Test
    void hungApiTimesOut() {
        fluxos.setLocations("mydb", "10.0.0.1");
        fluxos.setMode(Mode.HANG);
        FluxOsClient once = client(fluxos, new RetryPolicy(2, Duration.ZERO, Duration.ZERO));

        long start = System.nanoTime();
        assertThatThrownBy(() -> once.locations("mydb"))
                .isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("no answer in time");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).isBetween(TIMEOUT.multipliedBy(2), TIMEOUT.multipliedBy(2).plusSeconds(3));
        assertThat(fluxos.requestCount("/apps/location/mydb")).isEqualTo(2);
    }

    @Test
    void retryAfterBackoffRecovers() throws Exception {
        fluxos.setLocations("mydb", "10.0.0.1");
        fluxos.setMode(Mode.FAIL);
        FluxOsClient patient = client(fluxos, new RetryPolicy(5, Duration.ofMillis(200), Duration.ofMillis(200)));
        Thread.ofVirtual().start(() -> {
            // recover once the first try has failed, while the client waits out its backoff
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                    .until(() -> fluxos.requestCount("/apps/location/mydb") >= 1);
            fluxos.setMode(Mode.NORMAL);
        });

        assertThat(patient.locations("mydb")).extracting(AppLocation::host).containsExactly("10.0.0.1");
        assertThat(fluxos.requestCount("/apps/location/mydb")).isBetween(2, 3);
    }

    @Test
    void backoffDoublesUpToItsLimit() {
        RetryPolicy policy = new RetryPolicy(6, Duration.ofSeconds(1), Duration.ofSeconds(5));
        assertThat(policy.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoff(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.backoff(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.backoff(4)).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.backoff(5)).isEqualTo(Duration.ofSeconds(5));
    }
}

package io.fluxdb.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.squareup.moshi.Moshi;
import io.fluxdb.discovery.fluxos.FluxOsClient;
import io.fluxdb.discovery.fluxos.FluxOsPeerSource;
import io.fluxdb.discovery.fluxos.RetryPolicy;
import io.fluxdb.testkit.FluxOsEmulator;
import io.fluxdb.testkit.FluxOsEmulator.Mode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

@Timeout(20)
class DiscoveryServiceTest {
    FluxOsEmulator fluxos;
    DiscoveryService service;
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger logger = (Logger) LoggerFactory.getLogger(DiscoveryService.class);

    @BeforeEach
    void start() throws Exception {
        fluxos = FluxOsEmulator.start();
        FluxOsClient client = new FluxOsClient(FluxOsClient.httpClient(Duration.ofMillis(300)),
                new Moshi.Builder().build(), HttpUrl.get(fluxos.baseUrl().toString()),
                new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(10)));
        service = new DiscoveryService(new FluxOsPeerSource(client, "mydb", 7071), Duration.ofMillis(50));
        logs.start();
        logger.addAppender(logs);
        logger.setLevel(Level.DEBUG);
    }

    @AfterEach
    void stop() {
        service.close();
        fluxos.close();
        logger.detachAppender(logs);
    }

    @Test
    void keepsLastGoodAnswerWhileTheApiMisbehavesAndSaysSoOnce() {
        fluxos.setLocations("mydb", "10.0.0.1:16127", "10.0.0.2", "10.0.0.3");
        List<String> good = List.of("10.0.0.1", "10.0.0.2", "10.0.0.3");
        assertThat(hosts(service.poll().orElseThrow())).isEqualTo(good);

        for (Mode mode : List.of(Mode.FAIL, Mode.GARBAGE, Mode.WRONG_SHAPE, Mode.HANG)) {
            fluxos.setMode(mode);
            assertThat(hosts(service.poll().orElseThrow())).as(mode.name()).isEqualTo(good);
            assertThat(service.failure()).as(mode.name()).isPresent();
        }
        fluxos.setMode(Mode.NORMAL);
        fluxos.setLocations("mydb", "10.0.0.1", "10.0.0.2", "10.0.0.4");
        assertThat(hosts(service.poll().orElseThrow())).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.4");
        assertThat(service.failure()).isEmpty();

        assertThat(messages(Level.WARN)).singleElement().asString()
                .contains("discovery failing").contains("keeping the last good answer (3 nodes)");
        assertThat(messages(Level.INFO)).anySatisfy(m -> assertThat(m).contains("answers again after 4 failed polls"));
    }

    @Test
    void noAnswerBeforeTheFirstGoodOne() {
        fluxos.setMode(Mode.FAIL);
        assertThat(service.poll()).isEmpty();
        assertThat(service.peers()).isEmpty();
        assertThat(messages(Level.WARN)).singleElement().asString().contains("no earlier answer to keep");
    }

    @Test
    void backgroundPollingHandsOverEveryGoodAnswer() {
        fluxos.setLocations("mydb", "10.0.0.1");
        List<List<Peer>> seen = new CopyOnWriteArrayList<>();
        service.start(seen::add);

        waitFor(() -> !seen.isEmpty());
        fluxos.setMode(Mode.GARBAGE);
        int before = seen.size();
        int requests = fluxos.requestCount("/apps/location/mydb");
        waitFor(() -> fluxos.requestCount("/apps/location/mydb") >= requests + 4);
        assertThat(seen).hasSizeBetween(before, before + 1); // at most one poll was already under way
        fluxos.setMode(Mode.NORMAL);
        fluxos.setLocations("mydb", "10.0.0.1", "10.0.0.2");

        waitFor(() -> seen.getLast().size() == 2);
        assertThat(hosts(service.peers().orElseThrow())).containsExactly("10.0.0.1", "10.0.0.2");
    }

    private static void waitFor(java.util.concurrent.Callable<Boolean> condition) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(condition);
    }

    private List<String> messages(Level level) {
        return logs.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static List<String> hosts(List<Peer> peers) {
        return peers.stream().map(Peer::host).toList();
    }
}

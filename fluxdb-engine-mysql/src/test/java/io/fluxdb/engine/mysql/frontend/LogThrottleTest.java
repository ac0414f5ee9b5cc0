package io.fluxdb.engine.mysql.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LogThrottleTest {
    private static final Logger log = LoggerFactory.getLogger(LogThrottleTest.class);

    @Test
    void oneLinePerIntervalThatCountsThoseLeftOut() throws Exception {
        ListAppender<ILoggingEvent> lines = HostileInputIT.capture(LogThrottleTest.class);
        try {
            LogThrottle throttle = new LogThrottle(Duration.ofMillis(200));
            for (int i = 0; i < 100; i++) {
                throttle.info(log, "bad input {}", i);
            }
            assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("bad input 0");
            // After the interval the next line goes out and says how many were left out.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        throttle.info(log, "bad input {}", "late");
                        return lines.list.size() == 2;
                    });
            assertThat(lines.list.get(1).getFormattedMessage()).startsWith("bad input late (and ")
                    .contains("more like it since the last such line");
        } finally {
            HostileInputIT.release(LogThrottleTest.class, lines);
        }
    }
}

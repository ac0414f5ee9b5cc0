package io.fluxdb.replication.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RefusalLogTest {
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(RefusalLog.class);
    private final long[] now = {0};
    private final RefusalLog refusals = new RefusalLog(Duration.ofSeconds(10), () -> now[0]);

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    @Test
    void logsOneLinePerKindPerWindowAndCountsTheRest() {
        assertThat(refusals.refused(RefusalLog.Kind.NO_MUTUAL_TLS, "plaintext from somewhere")).isTrue();
        assertThat(refusals.refused(RefusalLog.Kind.NO_MUTUAL_TLS, "plaintext again")).isFalse();
        assertThat(refusals.refused(RefusalLog.Kind.NO_MUTUAL_TLS, "and again")).isFalse();
        assertThat(refusals.refused(RefusalLog.Kind.UNTRUSTED_CERTIFICATE, "no certificate")).isTrue();
        now[0] += TimeUnit.SECONDS.toNanos(10);
        assertThat(refusals.refused(RefusalLog.Kind.NO_MUTUAL_TLS, "later\nsecond line")).isTrue();

        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "raft port - refused a connection (NO_MUTUAL_TLS): plaintext from somewhere",
                "raft port - refused a connection (UNTRUSTED_CERTIFICATE): no certificate",
                "raft port - refused a connection (NO_MUTUAL_TLS): later (2 more of this kind not logged)");
        assertThat(lines.list).allSatisfy(line -> assertThat(line.getThrowableProxy()).isNull());
    }
}

package io.fluxdb.engine.mysql.frontend;

import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_COMPRESS;
import static io.fluxdb.protocol.constant.CapabilityFlags.CLIENT_SSL;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.fluxdb.engine.mysql.testing.TestOperator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.LoggerFactory;

/**
 * A mutation-based fuzzer of the operator's MySQL port. Each input is a connection: the handshake
 * phase (plain, or after a TLS upgrade) or the command phase after a real login (plain, compressed
 * or TLS), then one to three seed packets of that phase, mutated, written at once or in 1-3 byte
 * pieces. The operator must answer each (any byte, or a close) within {@link #HANG}; meanwhile a
 * bystander session queries every second and a fresh client logs in every five seconds.
 *
 * <p>Input {@code i} of seed {@code s} draws from {@code new Random(s * 1_000_003 + i)}, so a run
 * replays the same mutations (the scramble, and so the auth bytes, differ per connection).
 */
final class ProtocolFuzzer {
    /** An input not answered within this is a hang. */
    static final Duration HANG = Duration.ofSeconds(10);
    /** Once answered, the rest of an answer is read until the operator is quiet for this long. */
    private static final int QUIET_MS = 50;

    private enum Mode { HANDSHAKE, HANDSHAKE_TLS, COMMAND, COMMAND_COMPRESSED, COMMAND_TLS }

    /** What one run measured. */
    record Report(long inputs, long seconds, long answered, long closedSilently, long hangs, List<String> hangInputs,
            long setupFailures, long logLines, long logLinesWithTrace, long warnOrError, long rssStartKiB,
            long rssEndKiB, long heapStartKiB, long heapEndKiB, long bystanderQueries, long bystanderFailures,
            long bystanderMaxMillis, long freshLogins, long freshFailures) {
        String text(long seed, int concurrency) {
            return String.format("""
                    FluxDB protocol fuzz run: seed %d, %d inputs, %d connections at once, %d s (%.0f inputs/s)
                    answered (ERR, OK or data): %d; closed without a packet: %d; setup failed (login before the input): %d
                    hangs (no answer within %d s): %d %s
                    log lines: %d (%.4f per input), with a stack trace: %d, WARN or ERROR: %d
                    RSS: %d MiB at start, %d MiB at end; heap after GC: %d MiB at start, %d MiB at end
                    bystander session: %d queries, %d failed, slowest %d ms
                    fresh clients: %d logins, %d failed
                    """, seed, inputs, concurrency, seconds, inputs / Math.max(1.0, seconds), answered, closedSilently,
                    setupFailures, HANG.toSeconds(), hangs, hangInputs.isEmpty() ? "" : hangInputs, logLines,
                    logLines / (double) Math.max(1, inputs), logLinesWithTrace, warnOrError, rssStartKiB / 1024,
                    rssEndKiB / 1024, heapStartKiB / 1024, heapEndKiB / 1024, bystanderQueries, bystanderFailures,
                    bystanderMaxMillis, freshLogins, freshFailures);
        }
    }

    private final TestOperator operator;
    private final String password;
    private final long seed;
    private final int concurrency;
    private final LongAdder answered = new LongAdder();
    private final LongAdder closedSilently = new LongAdder();
    private final LongAdder hangs = new LongAdder();
    private final LongAdder setupFailures = new LongAdder();
    private final Queue<String> hangInputs = new ConcurrentLinkedQueue<>();
    /** The input started last: with one connection at a time, the one a log line belongs to. */
    private final AtomicLong currentInput = new AtomicLong(-1);
    private final long firstInput = Long.getLong("fluxdb.fuzz.first", 0);

    ProtocolFuzzer(TestOperator operator, String password, long seed, int concurrency) {
        this.operator = operator;
        this.password = password;
        this.seed = seed;
        this.concurrency = concurrency;
    }

    /** Set for a run of one input: its bytes are printed, to replay a finding. */
    private boolean inputs1;

    Report run(long inputs, Path reportFile) throws Exception {
        inputs1 = inputs == 1;
        LogCounter logs = new LogCounter(currentInput);
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);
        long rssStart = rssKiB();
        long heapStart = heapKiB();
        long start = System.nanoTime();
        Monitor monitor = new Monitor(operator, password);
        monitor.start();
        AtomicLong next = new AtomicLong(firstInput);
        long end = firstInput + inputs;
        // A run may also be bounded in time (-Dfluxdb.fuzz.minutes): it then stops taking new inputs and reports those run.
        long stopAt = Long.getLong("fluxdb.fuzz.minutes", 0) > 0
                ? start + TimeUnit.MINUTES.toNanos(Long.getLong("fluxdb.fuzz.minutes")) : Long.MAX_VALUE;
        LongAdder run = new LongAdder();
        ExecutorService workers = Executors.newFixedThreadPool(concurrency);
        try {
            for (int w = 0; w < concurrency; w++) {
                workers.execute(() -> {
                    long i;
                    while (System.nanoTime() - stopAt < 0 && (i = next.getAndIncrement()) < end) {
                        runInput(i);
                        run.increment();
                        if (i > 0 && i % 50_000 == 0) {
                            System.out.printf("fuzz: %d inputs, %d s, %d hangs%n", i,
                                    (System.nanoTime() - start) / 1_000_000_000L, hangs.sum());
                        }
                    }
                });
            }
            workers.shutdown();
            while (!workers.awaitTermination(1, TimeUnit.MINUTES)) {
                // Keep waiting: every input is bounded by the hang limit, so the run ends.
            }
        } finally {
            workers.shutdownNow();
            monitor.stop();
            root.detachAppender(logs);
        }
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        Report report = new Report(run.sum(), seconds, answered.sum(), closedSilently.sum(), hangs.sum(),
                List.copyOf(hangInputs).subList(0, Math.min(20, hangInputs.size())), setupFailures.sum(),
                logs.lines.sum(), logs.withTrace.sum(), logs.warnOrError.sum(), rssStart, rssKiB(), heapStart, heapKiB(),
                monitor.queries.sum(), monitor.queryFailures.sum(), monitor.slowestMillis.get(), monitor.logins.sum(),
                monitor.loginFailures.sum());
        String text = report.text(seed, concurrency) + logs.summary();
        System.out.print(text);
        if (reportFile != null) {
            Files.writeString(reportFile, text);
        }
        return report;
    }

    private void runInput(long i) {
        currentInput.set(i);
        Random random = new Random(seed * 1_000_003L + i);
        Mode mode = Mode.values()[random.nextInt(Mode.values().length)];
        // Each input from one of 200 loopback addresses, as many clients would come: the per-address login bound
        // applies to each, as it would on the internet.
        InetAddress source;
        try {
            source = InetAddress.getByAddress(new byte[] {127, 0, 1, (byte) (1 + i % 200)});
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        RawClient client;
        byte[] input;
        try {
            client = RawClient.connect(operator.port(), HANG, source);
        } catch (IOException e) {
            setupFailures.increment();
            return;
        }
        try {
            switch (mode) {
                case HANDSHAKE -> {
                    client.readHandshake();
                    input = FuzzInputs.mutated(random, FuzzInputs.logins(password, client.handshake().scramble(), false), 1);
                }
                case HANDSHAKE_TLS -> {
                    client.readHandshake();
                    client.startTls(RawClient.CAPABILITIES | CLIENT_SSL);
                    input = FuzzInputs.mutated(random, FuzzInputs.logins(password, client.handshake().scramble(), true), 2);
                }
                case COMMAND -> {
                    requireOk(client.authenticate("root", password, null));
                    input = FuzzInputs.mutated(random, FuzzInputs.commands(password, client.handshake().scramble()), 0);
                }
                case COMMAND_COMPRESSED -> {
                    requireOk(client.authenticate("root", password, CLIENT_COMPRESS, 45));
                    byte[] packets = FuzzInputs.mutated(random, FuzzInputs.commands(password, client.handshake().scramble()), 0);
                    input = FuzzInputs.compressed(random, packets, 0);
                }
                default -> {
                    requireOk(client.authenticateOverTls("root", password));
                    input = FuzzInputs.mutated(random, FuzzInputs.commands(password, client.handshake().scramble()), 0);
                }
            }
        } catch (IOException | RuntimeException e) {
            setupFailures.increment();
            closeQuietly(client);
            return;
        }
        if (inputs1) {
            System.out.println("fuzz input " + i + " (" + mode + "): " + java.util.HexFormat.of().formatHex(input));
        }
        try (client) {
            write(client.socket().getOutputStream(), input, random);
            await(client, mode, i, mode == Mode.COMMAND_COMPRESSED);
        } catch (IOException e) {
            // The operator closed while the input was still being written: an answer too.
            closedSilently.increment();
        }
    }

    private static void requireOk(RawClient.RawPacket reply) throws IOException {
        if (!reply.isOk()) {
            throw new IOException("login before the input refused: " + reply);
        }
    }

    private static void closeQuietly(RawClient client) {
        try {
            client.close();
        } catch (IOException e) {
            // Closing a socket the test is done with: nothing to do about a failure.
        }
    }

    private static void write(OutputStream out, byte[] input, Random random) throws IOException {
        if (random.nextInt(4) != 0) {
            out.write(input);
            out.flush();
            return;
        }
        for (int at = 0; at < input.length; ) {
            int n = Math.min(input.length - at, 1 + random.nextInt(3));
            out.write(input, at, n);
            out.flush();
            at += n;
        }
    }

    /**
     * Waits for the answer. A command-phase input may rightly get none (COM_STMT_CLOSE expects no reply): after a
     * second without one, a COM_PING follows, and the session must answer that (or close) within the hang limit.
     */
    private void await(RawClient client, Mode mode, long i, boolean compressed) throws IOException {
        InputStream in = client.input();
        byte[] buf = new byte[8192];
        int n;
        try {
            if (mode == Mode.HANDSHAKE || mode == Mode.HANDSHAKE_TLS) {
                client.socket().setSoTimeout((int) HANG.toMillis());
                n = in.read(buf);
            } else {
                client.socket().setSoTimeout(1000);
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException quiet) {
                    byte[] ping = RawClient.frame(0, new byte[] {0x0e});
                    OutputStream out = client.socket().getOutputStream();
                    out.write(compressed ? FuzzInputs.stored(ping, 0) : ping);
                    out.flush();
                    client.socket().setSoTimeout((int) HANG.toMillis() - 1000);
                    n = in.read(buf);
                }
            }
        } catch (SocketTimeoutException e) {
            hangs.increment();
            hangInputs.add(i + ":" + mode);
            return;
        }
        if (n < 0) {
            closedSilently.increment();
            return;
        }
        answered.increment();
        client.socket().setSoTimeout(QUIET_MS);
        long deadline = System.nanoTime() + HANG.toNanos();
        try {
            while (in.read(buf) >= 0 && System.nanoTime() < deadline) {
                // Drain the rest of the answer.
            }
        } catch (SocketTimeoutException e) {
            // Quiet: the operator waits for the client, as it should after answering.
        }
    }

    static long rssKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Not Linux: no figure.
        }
        return -1;
    }

    private static long heapKiB() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) / 1024;
    }

    /** Counts what the operator logs during the run (all loggers). */
    private static final class LogCounter extends AppenderBase<ILoggingEvent> {
        final LongAdder lines = new LongAdder();
        final LongAdder withTrace = new LongAdder();
        final LongAdder warnOrError = new LongAdder();
        private final AtomicLong currentInput;
        /** WARN and ERROR lines by their text with numbers left out, and an input that was running. */
        private final java.util.concurrent.ConcurrentMap<String, String> kinds = new java.util.concurrent.ConcurrentHashMap<>();
        private final java.util.concurrent.ConcurrentMap<String, LongAdder> counts = new java.util.concurrent.ConcurrentHashMap<>();

        LogCounter(AtomicLong currentInput) {
            this.currentInput = currentInput;
        }

        String summary() {
            StringBuilder out = new StringBuilder();
            counts.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum())).limit(15)
                    .forEach(e -> out.append(String.format("  %6d x %s (e.g. while input %s ran)%n", e.getValue().sum(),
                            e.getKey(), kinds.get(e.getKey()))));
            return out.isEmpty() ? "" : "WARN and ERROR lines by kind:\n" + out;
        }

        @Override
        protected void append(ILoggingEvent event) {
            lines.increment();
            if (event.getThrowableProxy() != null) {
                withTrace.increment();
            }
            if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
                warnOrError.increment();
                String kind = event.getLoggerName().replaceAll(".*\\.", "") + ": "
                        + event.getFormattedMessage().replaceAll("[0-9]+", "N");
                kind = kind.length() > 160 ? kind.substring(0, 160) : kind;
                if (counts.size() < 200 || counts.containsKey(kind)) {
                    counts.computeIfAbsent(kind, k -> new LongAdder()).increment();
                    kinds.putIfAbsent(kind, Long.toString(currentInput.get()));
                }
            }
        }
    }

    /** The bystander session (a query every second) and fresh clients (a login every five seconds). */
    private static final class Monitor {
        final LongAdder queries = new LongAdder();
        final LongAdder queryFailures = new LongAdder();
        final AtomicLong slowestMillis = new AtomicLong();
        final LongAdder logins = new LongAdder();
        final LongAdder loginFailures = new LongAdder();
        private final TestOperator operator;
        private final String password;
        private final java.util.concurrent.ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
        private RawClient bystander;

        Monitor(TestOperator operator, String password) {
            this.operator = operator;
            this.password = password;
        }

        void start() throws IOException {
            bystander = RawClient.login(operator.port(), "root", password);
            timer.scheduleWithFixedDelay(this::query, 1, 1, TimeUnit.SECONDS);
            timer.scheduleWithFixedDelay(this::freshLogin, 5, 5, TimeUnit.SECONDS);
        }

        private void query() {
            long start = System.nanoTime();
            try {
                if (!"1".equals(bystander.query("SELECT 1").value())) {
                    queryFailures.increment();
                }
            } catch (IOException | RuntimeException | AssertionError e) {
                queryFailures.increment();
            }
            queries.increment();
            slowestMillis.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
        }

        private void freshLogin() {
            try {
                RawClient.assertServes(operator, password);
            } catch (Exception | AssertionError e) {
                loginFailures.increment();
            }
            logins.increment();
        }

        void stop() throws IOException {
            timer.shutdownNow();
            query();
            freshLogin();
            bystander.close();
        }
    }
}

package io.fluxdb.server.node;

import static java.util.Objects.requireNonNull;

import io.fluxdb.api.internal.InternalApiClient;
import io.fluxdb.api.internal.WhoAmI;
import io.fluxdb.server.config.HostPort;
import io.fluxdb.server.config.NodeConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The address peers reach this node at, which becomes part of its node id:
 * <ol>
 *   <li>{@code ADVERTISE_ADDRESS} when given;</li>
 *   <li>without discovery ({@code PEERS}), {@code BIND_ADDRESS} when it names one address, else the entry of
 *       {@code PEERS} that is an address of this machine with this node's API port (so that every node may be given
 *       the same list);</li>
 *   <li>otherwise (always with discovery, {@code DB_APPNAME} or {@code PEERS_DNS}: on Flux a node sits behind address
 *       translation, and a DNS name lists the addresses peers see, not necessarily one a node binds) what a peer's
 *       {@code /v1/whoami} answers, asked of each candidate peer in turn until one answers. The answer is kept in the
 *       data directory;
 *       when no peer answers for {@link #FALLBACK_AFTER}, a node that learned its address before uses that one.</li>
 * </ol>
 */
final class SelfAddress {
    private static final Logger log = LoggerFactory.getLogger(SelfAddress.class);
    static final String FILE = "advertised-address";
    static final Duration FALLBACK_AFTER = Duration.ofSeconds(60);
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(30);

    private SelfAddress() {
    }

    /** What configuration alone says, if it says: steps 1 and 2. */
    static Optional<String> configured(NodeConfig config) {
        if (config.cluster().advertiseAddress().isPresent()) {
            return config.cluster().advertiseAddress();
        }
        if (config.cluster().isDiscovered()) {
            return Optional.empty();
        }
        InetAddress bind = config.listen().bindAddress();
        if (!bind.isAnyLocalAddress()) {
            return Optional.of(bind.getHostAddress());
        }
        int apiPort = ClusterMembers.apiPort(config.listen());
        return config.cluster().peers().stream()
                .filter(peer -> peer.port() == apiPort && isLocal(peer.host()))
                .map(HostPort::host)
                .findFirst();
    }

    /**
     * The configured address, else the one peers see, waiting (logging progress) until a peer answers.
     *
     * @param candidates the peers' internal API addresses to ask, asked again on every round
     * @param ownInstance this node's internal API instance id: an answer from itself is ignored
     */
    static String resolve(NodeConfig config, InternalApiClient client, Supplier<List<HostPort>> candidates,
            String ownInstance, Duration pollInterval) throws InterruptedException {
        Optional<String> configured = configured(config);
        if (configured.isPresent()) {
            return configured.get();
        }
        Path file = config.dataDir().resolve(FILE);
        Optional<String> stored = read(file);
        long start = System.nanoTime();
        long nextProgress = start + PROGRESS_INTERVAL.toNanos();
        while (true) {
            List<HostPort> asked = candidates.get();
            java.util.Map<HostPort, String> failures = new java.util.LinkedHashMap<>();
            for (HostPort peer : asked) {
                Optional<String> seen = ask(client, peer, ownInstance, failures);
                if (seen.isPresent()) {
                    log.info("this node's address, as {} sees it: {}", peer, seen.get());
                    write(file, seen.get());
                    return seen.get();
                }
            }
            long now = System.nanoTime();
            if (stored.isPresent() && now - start >= FALLBACK_AFTER.toNanos()) {
                log.warn("no peer told this node its address within {}; using the one learned before: {}",
                        FALLBACK_AFTER, stored.get());
                return stored.get();
            }
            if (now >= nextProgress) {
                log.info("waiting for a peer to tell this node its address (set ADVERTISE_ADDRESS to skip this); "
                        + "asked: {}", failures);
                nextProgress = now + PROGRESS_INTERVAL.toNanos();
            }
            Thread.sleep(pollInterval);
        }
    }

    private static Optional<String> ask(InternalApiClient client, HostPort peer, String ownInstance,
            java.util.Map<HostPort, String> failures) {
        try {
            WhoAmI answer = client.whoAmI(InetSocketAddress.createUnresolved(peer.host(), peer.port()));
            if (ownInstance.equals(answer.instance()) || answer.address() == null || answer.address().isBlank()) {
                failures.put(peer, "this node itself");
                return Optional.empty(); // behind a NAT, a node asking itself may see a gateway's address
            }
            return Optional.of(answer.address());
        } catch (IOException e) {
            failures.put(peer, e.getMessage());
            return Optional.empty();
        }
    }

    private static Optional<String> read(Path file) {
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip())
                    .filter(s -> !s.isEmpty()) : Optional.empty();
        } catch (IOException e) {
            log.warn("cannot read {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    private static void write(Path file, String address) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, address + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            log.warn("cannot keep this node's address in {}: {}", file, e.toString());
        }
    }

    static boolean isLocal(String host) {
        requireNonNull(host, "host is null");
        try {
            InetAddress address = InetAddress.getByName(host);
            return address.isLoopbackAddress() || NetworkInterface.getByInetAddress(address) != null;
        } catch (UnknownHostException e) {
            return false;
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }
}

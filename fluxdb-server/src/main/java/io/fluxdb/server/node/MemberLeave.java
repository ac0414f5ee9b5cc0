package io.fluxdb.server.node;

import io.fluxdb.api.internal.InternalApiClient;
import io.fluxdb.api.internal.LeaveRequest;
import io.fluxdb.api.internal.MembershipAnswer;
import io.fluxdb.api.internal.NodeInfo;
import io.fluxdb.server.config.NodeConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What {@code fluxdb leave} does: asks the cluster, through this node's internal API (mutual TLS with a certificate
 * from the cluster secret), to remove a member for good. The request goes to whichever node leads; a leader asked to
 * remove itself first hands leadership to the most up-to-date peer, and the new leader removes it. The cluster keeps
 * at least 3 voters and makes one membership change at a time, so a refusal says why.
 *
 * <p>Removing a member does not stop it: its operator goes on running outside the cluster until it is stopped. When
 * the node removed is the one this runs on, a marker file in its data directory ({@link #marker}) keeps it from
 * asking to join again, running or restarted, until the file is deleted.
 */
public final class MemberLeave {
    private static final Duration RETRY = Duration.ofMillis(500);

    /** How it ended: {@code removed}, or why not. */
    public record Outcome(boolean removed, String message) {
    }

    private MemberLeave() {
    }

    /** The file that says this node left its cluster with {@code fluxdb leave}. */
    public static java.nio.file.Path marker(java.nio.file.Path dataDir) {
        return dataDir.resolve("left-cluster");
    }

    /**
     * Removes {@code nodeId} (this node when empty) and waits up to {@code timeout} for the cluster to say so.
     *
     * @param progress told each step, for people
     * @throws IOException if this node's internal API cannot be reached
     */
    public static Outcome leave(NodeConfig config, Optional<String> nodeId, Duration timeout, Consumer<String> progress)
            throws IOException, InterruptedException {
        InetAddress bind = config.listen().bindAddress();
        InetSocketAddress local = new InetSocketAddress(bind.isAnyLocalAddress() ? InetAddress.getLoopbackAddress()
                : bind, config.listen().apiListenPort());
        long deadline = System.nanoTime() + timeout.toNanos();
        try (InternalApiClient client = InternalApi.client(config)) {
            String own = ownId(client, local);
            String id = nodeId.orElse(own);
            InetSocketAddress ask = local;
            String last = "no answer yet";
            while (System.nanoTime() < deadline) {
                MembershipAnswer answer;
                try {
                    answer = client.post(ask, "/v1/leave", LeaveRequest.class, new LeaveRequest(id),
                            MembershipAnswer.class);
                } catch (IOException e) {
                    last = e.getMessage();
                    progress.accept("no answer from " + ask + " (" + last + "); asking this node again");
                    ask = local;
                    Thread.sleep(RETRY.toMillis());
                    continue;
                }
                last = answer.message();
                switch (answer.status()) {
                    case MembershipAnswer.REMOVED -> {
                        if (id.equals(own)) {
                            java.nio.file.Files.createDirectories(config.dataDir());
                            java.nio.file.Files.writeString(marker(config.dataDir()), "node " + id
                                    + " left its cluster with fluxdb leave at " + java.time.Instant.now()
                                    + "; delete this file to let it join again\n");
                        }
                        return new Outcome(true, answer.message());
                    }
                    case MembershipAnswer.NOT_LEADER -> {
                        progress.accept(ask + ": " + answer.message());
                        ask = Optional.ofNullable(answer.leaderApi()).flatMap(MemberLeave::address).orElse(local);
                        Thread.sleep(RETRY.toMillis());
                    }
                    default -> {
                        return new Outcome(false, answer.message());
                    }
                }
            }
            return new Outcome(false, "not removed within " + timeout.toSeconds() + " s; last answer: " + last);
        }
    }

    private static String ownId(InternalApiClient client, InetSocketAddress local) throws IOException {
        NodeInfo self = client.get(local, "/v1/status", NodeInfo.class);
        if (self.nodeId() == null) {
            throw new IOException("the node at " + local + " does not know its own id yet (it is starting)");
        }
        return self.nodeId();
    }

    private static Optional<InetSocketAddress> address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        try {
            String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
            return Optional.of(new InetSocketAddress(host, Integer.parseInt(hostPort.substring(colon + 1))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}

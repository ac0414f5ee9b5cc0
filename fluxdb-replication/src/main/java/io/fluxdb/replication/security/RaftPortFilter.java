package io.fluxdb.replication.security;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ratis.thirdparty.io.grpc.Attributes;
import org.apache.ratis.thirdparty.io.grpc.Grpc;
import org.apache.ratis.thirdparty.io.grpc.ServerTransportFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the connections of the Raft port. One that ends before it became ready (before mutual TLS completed) was
 * refused: the peer showed no certificate, did not speak TLS, or showed a certificate this cluster does not trust.
 * The last case is logged by {@link ClusterTrustManager} with the certificate's names, so it is not logged again.
 */
final class RaftPortFilter extends ServerTransportFilter {
    private static final Logger log = LoggerFactory.getLogger(RaftPortFilter.class);

    private final RefusalLog refusals;
    private final AtomicInteger explained = new AtomicInteger();

    RaftPortFilter(RefusalLog refusals) {
        this.refusals = requireNonNull(refusals, "refusals is null");
    }

    /** The trust manager refused a connecting peer's certificate and logged why. */
    void certificateRefused() {
        explained.incrementAndGet();
    }

    @Override
    public Attributes transportReady(Attributes attributes) {
        log.debug("raft port - {} connected with mutual TLS", attributes.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        return attributes;
    }

    @Override
    public void transportTerminated(Attributes attributes) {
        if (attributes != null) {
            return; // it had completed mutual TLS: an ordinary close
        }
        if (explained.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return;
        }
        refusals.refused(RefusalLog.Kind.NO_MUTUAL_TLS, "a connection closed before it completed mutual TLS: "
                + "the peer showed no certificate, or did not speak TLS");
    }
}

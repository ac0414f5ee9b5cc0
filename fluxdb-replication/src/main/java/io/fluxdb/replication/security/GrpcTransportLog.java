package io.fluxdb.replication.security;

import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes over the connection log of the gRPC server inside Ratis (java.util.logging), which would print a stack trace
 * to standard error for a connection that fails in some ways. Its lines go to slf4j at DEBUG, one line each; refusals
 * are logged by {@link RaftPortFilter} and {@link ClusterTrustManager}.
 */
final class GrpcTransportLog extends Handler {
    private static final Logger log = LoggerFactory.getLogger(GrpcTransportLog.class);
    // java.util.logging holds loggers weakly: keep the configured one alive
    private static final java.util.logging.Logger CONNECTION_LOG = java.util.logging.Logger.getLogger(
            "org.apache.ratis.thirdparty.io.grpc.netty.NettyServerTransport.connections");

    private GrpcTransportLog() {
    }

    /** Installs the handler once per JVM; later calls do nothing. */
    static synchronized void install() {
        for (Handler handler : CONNECTION_LOG.getHandlers()) {
            if (handler instanceof GrpcTransportLog) {
                return;
            }
        }
        CONNECTION_LOG.setUseParentHandlers(false);
        CONNECTION_LOG.addHandler(new GrpcTransportLog());
    }

    @Override
    public void publish(LogRecord record) {
        if (log.isDebugEnabled()) {
            log.debug("raft port - {}: {}", firstLine(record.getMessage()), String.valueOf(record.getThrown()));
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}

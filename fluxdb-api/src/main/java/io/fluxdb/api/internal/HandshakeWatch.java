package io.fluxdb.api.internal;

import io.fluxdb.replication.security.RefusalLog;
import java.nio.ByteBuffer;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * Wraps the server's {@link SSLContext} so that a connection whose TLS handshake fails is logged. The JDK's HTTPS
 * server drops such connections silently, yet they are the refusals worth seeing: plain HTTP, a client that is not
 * TLS 1.3, or a node of another cluster that refused this node's certificate (it checks the server's certificate
 * before it shows its own). A certificate this node's trust manager refused is logged there already.
 */
final class HandshakeWatch {

    private HandshakeWatch() {
    }

    static SSLContext wrap(SSLContext context, RefusalLog refusals) {
        return new SSLContext(new Spi(context, refusals), context.getProvider(), context.getProtocol()) {
        };
    }

    static void refused(RefusalLog refusals, SSLEngine engine, SSLException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateException) {
                return; // the trust manager logged it
            }
        }
        String peer = engine.getPeerHost() == null ? "a client" : "a client at " + engine.getPeerHost() + ":"
                + engine.getPeerPort();
        String message = String.valueOf(e.getMessage());
        if (message.contains("alert")) {
            refusals.refused(RefusalLog.Kind.UNTRUSTED_CERTIFICATE, peer + " ended the TLS handshake (" + message
                    + "): it does not trust this node's certificate (a node with another CLUSTER_SECRET?)");
        } else {
            refusals.refused(RefusalLog.Kind.NO_MUTUAL_TLS, peer + " failed the TLS handshake (" + message
                    + "): not TLS 1.3, or not TLS at all");
        }
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext delegate;
        private final RefusalLog refusals;

        Spi(SSLContext delegate, RefusalLog refusals) {
            this.delegate = delegate;
            this.refusals = refusals;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
            throw new KeyManagementException("already initialized");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return delegate.getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return delegate.getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return new Engine(delegate.createSSLEngine(), refusals);
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return new Engine(delegate.createSSLEngine(host, port), refusals);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return delegate.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return delegate.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return delegate.getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return delegate.getSupportedSSLParameters();
        }
    }

    /** Passes everything to the JDK's engine; logs a failure of wrap or unwrap before the handshake completed. */
    private static final class Engine extends SSLEngine {
        private final SSLEngine delegate;
        private final RefusalLog refusals;
        private volatile boolean handshakeDone;

        Engine(SSLEngine delegate, RefusalLog refusals) {
            super(delegate.getPeerHost(), delegate.getPeerPort());
            this.delegate = delegate;
            this.refusals = refusals;
        }

        @Override
        public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
            try {
                return watch(delegate.wrap(srcs, offset, length, dst));
            } catch (SSLException e) {
                fail(e);
                throw e;
            }
        }

        @Override
        public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
            try {
                return watch(delegate.unwrap(src, dsts, offset, length));
            } catch (SSLException e) {
                fail(e);
                throw e;
            }
        }

        private SSLEngineResult watch(SSLEngineResult result) {
            if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED) {
                handshakeDone = true;
            }
            return result;
        }

        private void fail(SSLException e) {
            if (!handshakeDone) {
                handshakeDone = true; // one line per connection
                refused(refusals, delegate, e);
            }
        }

        @Override
        public Runnable getDelegatedTask() {
            return delegate.getDelegatedTask();
        }

        @Override
        public void closeInbound() throws SSLException {
            delegate.closeInbound();
        }

        @Override
        public boolean isInboundDone() {
            return delegate.isInboundDone();
        }

        @Override
        public void closeOutbound() {
            delegate.closeOutbound();
        }

        @Override
        public boolean isOutboundDone() {
            return delegate.isOutboundDone();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public String[] getEnabledCipherSuites() {
            return delegate.getEnabledCipherSuites();
        }

        @Override
        public void setEnabledCipherSuites(String[] suites) {
            delegate.setEnabledCipherSuites(suites);
        }

        @Override
        public String[] getSupportedProtocols() {
            return delegate.getSupportedProtocols();
        }

        @Override
        public String[] getEnabledProtocols() {
            return delegate.getEnabledProtocols();
        }

        @Override
        public void setEnabledProtocols(String[] protocols) {
            delegate.setEnabledProtocols(protocols);
        }

        @Override
        public SSLSession getSession() {
            return delegate.getSession();
        }

        @Override
        public SSLSession getHandshakeSession() {
            return delegate.getHandshakeSession();
        }

        @Override
        public void beginHandshake() throws SSLException {
            delegate.beginHandshake();
        }

        @Override
        public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
            return delegate.getHandshakeStatus();
        }

        @Override
        public void setUseClientMode(boolean mode) {
            delegate.setUseClientMode(mode);
        }

        @Override
        public boolean getUseClientMode() {
            return delegate.getUseClientMode();
        }

        @Override
        public void setNeedClientAuth(boolean need) {
            delegate.setNeedClientAuth(need);
        }

        @Override
        public boolean getNeedClientAuth() {
            return delegate.getNeedClientAuth();
        }

        @Override
        public void setWantClientAuth(boolean want) {
            delegate.setWantClientAuth(want);
        }

        @Override
        public boolean getWantClientAuth() {
            return delegate.getWantClientAuth();
        }

        @Override
        public void setEnableSessionCreation(boolean flag) {
            delegate.setEnableSessionCreation(flag);
        }

        @Override
        public boolean getEnableSessionCreation() {
            return delegate.getEnableSessionCreation();
        }

        @Override
        public SSLParameters getSSLParameters() {
            return delegate.getSSLParameters();
        }

        @Override
        public void setSSLParameters(SSLParameters params) {
            delegate.setSSLParameters(params);
        }

        @Override
        public String getApplicationProtocol() {
            return delegate.getApplicationProtocol();
        }

        @Override
        public String getHandshakeApplicationProtocol() {
            return delegate.getHandshakeApplicationProtocol();
        }
    }
}

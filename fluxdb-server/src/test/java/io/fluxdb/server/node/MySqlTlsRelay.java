package io.fluxdb.server.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import io.fluxdb.testkit.PemFiles;

/**
 * A man in the middle for the MySQL protocol: it relays a real server's greeting, answers the client's TLS request
 * with a certificate of its own, opens TLS to the real server itself, and then relays the plaintext both ways while
 * counting what the client sent it. With {@code offerTls} off it removes CLIENT_SSL from the greeting, as a server
 * (or an attacker) that offers no TLS. A client that checks nothing would log in through it unaware.
 */
final class MySqlTlsRelay implements AutoCloseable {
    private static final int CLIENT_SSL = 0x0800;

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final SSLContext ownCertificate;
    private volatile boolean offerTls = true;
    /** Clients that asked this relay for TLS. */
    final AtomicInteger tlsRequests = new AtomicInteger();
    /** Bytes of MySQL packets the client sent after the greeting, other than its TLS request: its login and on. */
    final AtomicLong clientBytesSeen = new AtomicLong();

    private MySqlTlsRelay(ServerSocket server, InetSocketAddress upstream, SSLContext ownCertificate) {
        this.server = server;
        this.upstream = upstream;
        this.ownCertificate = ownCertificate;
    }

    static MySqlTlsRelay start(InetSocketAddress upstream, Path dir) throws IOException, GeneralSecurityException {
        PemFiles.CertificateAndKey pem = PemFiles.selfSigned(dir);
        X509Certificate certificate;
        try (InputStream in = Files.newInputStream(pem.certificate())) {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        String key = Files.readString(pem.privateKey()).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey privateKey = KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(key)));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("relay", privateKey, "relay".toCharArray(), new Certificate[] {certificate});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "relay".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        MySqlTlsRelay relay = new MySqlTlsRelay(server, upstream, context);
        Thread.ofVirtual().start(relay::acceptLoop);
        return relay;
    }

    InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress().getHostAddress(), server.getLocalPort());
    }

    void offerTls(boolean value) {
        offerTls = value;
    }

    void reset() {
        tlsRequests.set(0);
        clientBytesSeen.set(0);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread.ofVirtual().start(() -> relay(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void relay(Socket client) {
        try (client; Socket real = new Socket()) {
            real.connect(upstream, 5_000);
            byte[] greeting = readPacket(real.getInputStream());
            if (!offerTls) {
                int caps = capabilityOffset(greeting);
                greeting[caps] &= (byte) ~(CLIENT_SSL & 0xFF);
                greeting[caps + 1] &= (byte) ~(CLIENT_SSL >> 8);
            }
            client.getOutputStream().write(greeting);
            byte[] first = readPacket(client.getInputStream());
            Socket toClient = client;
            Socket toServer = real;
            if (first.length == 4 + 32) {
                tlsRequests.incrementAndGet();
                real.getOutputStream().write(first);
                SSLSocket inner = (SSLSocket) trustAll().getSocketFactory().createSocket(real,
                        upstream.getHostString(), upstream.getPort(), false);
                inner.setUseClientMode(true);
                inner.startHandshake();
                SSLSocket outer = (SSLSocket) ownCertificate.getSocketFactory().createSocket(client,
                        client.getInetAddress().getHostAddress(), client.getPort(), false);
                outer.setUseClientMode(false);
                outer.startHandshake(); // a client that checks the certificate ends here
                toClient = outer;
                toServer = inner;
            } else {
                clientBytesSeen.addAndGet(first.length);
                real.getOutputStream().write(first);
            }
            Socket c = toClient;
            Socket s = toServer;
            Thread down = Thread.ofVirtual().start(() -> pump(s, c, null));
            pump(c, s, clientBytesSeen);
            down.join();
        } catch (IOException | InterruptedException | GeneralSecurityException e) {
            // the client or the server gave up: nothing more to relay
        }
    }

    private static int capabilityOffset(byte[] packet) {
        int i = 4 + 1;
        while (packet[i] != 0) {
            i++;
        }
        return i + 1 + 4 + 8 + 1;
    }

    private static void pump(Socket from, Socket to, AtomicLong counter) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (counter != null) {
                    counter.addAndGet(n);
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            try {
                to.close();
                from.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static byte[] readPacket(InputStream in) throws IOException {
        byte[] header = in.readNBytes(4);
        if (header.length < 4) {
            throw new IOException("closed");
        }
        int length = (header[0] & 0xFF) | (header[1] & 0xFF) << 8 | (header[2] & 0xFF) << 16;
        byte[] packet = new byte[4 + length];
        System.arraycopy(header, 0, packet, 0, 4);
        if (in.readNBytes(packet, 4, length) < length) {
            throw new IOException("closed");
        }
        return packet;
    }

    private static SSLContext trustAll() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return context;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

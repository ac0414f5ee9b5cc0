package io.fluxdb.server.node;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for the nodes of a test cluster: node {@code i} uses {@code base + i} for clients and the same offset within
 * a block of 100 ports for its internal API (+100), Raft (+200) and UI (+300), the layout {@code fluxdb dev} uses.
 */
final class PortBlock {
    static final int API = 100;
    static final int RAFT = 200;
    static final int UI = 300;

    private PortBlock() {
    }

    /** A base port whose client, API, Raft and UI blocks (base + 0/100/200/300 + i) are all free now. */
    static int freeBlock(int size) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            // below Linux's ephemeral ports (32768 and up): an outgoing connection cannot take one between this
            // check and the node's bind
            int base = ThreadLocalRandom.current().nextInt(10_000, 32_000);
            if (allFree(base, size)) {
                return base;
            }
        }
        throw new IOException("no free block of ports found");
    }

    private static boolean allFree(int base, int size) {
        for (int block = 0; block < 4; block++) {
            for (int i = 0; i < size; i++) {
                try (ServerSocket s = new ServerSocket(base + block * 100 + i)) {
                    s.setReuseAddress(true);
                } catch (IOException e) {
                    return false;
                }
            }
        }
        return true;
    }
}

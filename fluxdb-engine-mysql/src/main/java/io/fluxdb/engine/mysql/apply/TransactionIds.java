package io.fluxdb.engine.mysql.apply;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The ids under which a leader's engine holds its write transactions ({@code XA START '<id>'}) and records its DDL
 * statements ({@code fluxdb.ddl_intent}): {@code fx-<term>-<nodeId>-<instance>-<seq>}, at most {@value #MAX_LENGTH}
 * bytes (the XA limit for a global transaction id).
 *
 * <ul>
 *   <li>{@code term}: the Raft term the leader was in, so a new leader can tell what a deposed one left behind;</li>
 *   <li>{@code nodeId}: the node that ran the transaction ({@code <host>_<raftPort>});</li>
 *   <li>{@code instance}: 16 hex digits drawn at random when this object is created (once per process start), so
 *       ids never repeat across restarts;</li>
 *   <li>{@code seq}: counts up from 1 within the instance.</li>
 * </ul>
 *
 * <p>When the sequence number would no longer fit, a new random instance is drawn and the sequence restarts at 1, so
 * every id stays within {@value #MAX_LENGTH} bytes and unique. Node ids may hold letters, digits and {@code . _ : -
 * [ ]} and at most {@value #MAX_NODE_ID_LENGTH} characters; others are refused, because the id is written into SQL
 * text and must fit the XA limit together with a term and a sequence number.
 *
 * <p>Thread-safe.
 */
public final class TransactionIds {

    /** The longest id MySQL and MariaDB accept as an XA global transaction id. */
    public static final int MAX_LENGTH = 64;
    /** The longest node id that leaves room for the term and the sequence number. */
    public static final int MAX_NODE_ID_LENGTH = 32;

    private static final String PREFIX = "fx-";
    private static final int INSTANCE_LENGTH = 16;
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._:\\[\\]-]+");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String nodeId;
    private String instance;
    private long seq;

    private TransactionIds(String nodeId) {
        this.nodeId = nodeId;
        this.instance = newInstance();
    }

    /**
     * A generator for the transactions of one node.
     *
     * @throws IllegalArgumentException if the node id has characters other than letters, digits and {@code . _ : - [
     *     ]}, or more than {@value #MAX_NODE_ID_LENGTH} of them
     */
    public static TransactionIds forNode(String nodeId) {
        checkNodeId(nodeId);
        return new TransactionIds(nodeId);
    }

    /** Throws {@link IllegalArgumentException} with the reason if {@code nodeId} cannot be part of an id. */
    public static void checkNodeId(String nodeId) {
        requireNonNull(nodeId, "nodeId is null");
        if (!NODE_ID.matcher(nodeId).matches()) {
            throw new IllegalArgumentException("node id '" + nodeId + "' cannot name XA transactions (expected: letters,"
                    + " digits and . _ : - [ ] only)");
        }
        if (nodeId.length() > MAX_NODE_ID_LENGTH) {
            throw new IllegalArgumentException("node id '" + nodeId + "' has " + nodeId.length() + " characters, but XA"
                    + " transaction ids hold at most " + MAX_LENGTH + " bytes, which leaves room for a node id of at most "
                    + MAX_NODE_ID_LENGTH + " (use a shorter host name or an IP address for this node)");
        }
    }

    /** The node this generator names transactions for. */
    public String nodeId() {
        return nodeId;
    }

    /**
     * The next id for a transaction of {@code term}.
     *
     * @throws IllegalArgumentException if {@code term} is negative or so large that no id of this node fits in
     *     {@value #MAX_LENGTH} bytes (more than 10^9 terms for the longest node ids)
     */
    public synchronized String next(long term) {
        if (term < 0) {
            throw new IllegalArgumentException("term: " + term + " (expected: >= 0)");
        }
        String head = PREFIX + term + "-" + nodeId + "-";
        int room = MAX_LENGTH - head.length() - INSTANCE_LENGTH - 1;
        if (room < 1) {
            throw new IllegalArgumentException("term " + term + " does not fit in an XA transaction id of node '"
                    + nodeId + "'");
        }
        seq++;
        if (Long.toString(seq).length() > room) {
            instance = newInstance();
            seq = 1;
        }
        return head + instance + "-" + seq;
    }

    /** The parts of an id this class formatted, or empty for any other text. */
    public static Optional<Id> parse(String xid) {
        requireNonNull(xid, "xid is null");
        if (xid.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        // by hand rather than with a pattern: every replicated write parses its id on every node, and the node id may
        // hold '-', which made a pattern backtrack. The term is the digits up to the first '-' after the prefix, the
        // sequence number the digits after the last '-', the instance the 16 hex digits before it, the node id the rest.
        if (!xid.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int termEnd = xid.indexOf('-', PREFIX.length());
        int seqStart = xid.lastIndexOf('-') + 1;
        int instanceStart = seqStart - 1 - INSTANCE_LENGTH;
        int nodeEnd = instanceStart - 1;
        if (termEnd < 0 || nodeEnd <= termEnd + 1 || xid.charAt(nodeEnd) != '-'
                || !digits(xid, PREFIX.length(), termEnd) || !digits(xid, seqStart, xid.length())
                || !hex(xid, instanceStart, seqStart - 1) || !nodeIdChars(xid, termEnd + 1, nodeEnd)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Id(Long.parseLong(xid, PREFIX.length(), termEnd, 10), xid.substring(termEnd + 1,
                    nodeEnd), xid.substring(instanceStart, seqStart - 1), Long.parseLong(xid, seqStart, xid.length(), 10)));
        } catch (NumberFormatException e) {
            return Optional.empty(); // more than Long.MAX_VALUE: not an id this class wrote
        }
    }

    /** Whether {@code s[from, to)} is 1 to 19 decimal digits. */
    private static boolean digits(String s, int from, int to) {
        if (to - from < 1 || to - from > 19) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code s[from, to)} is lower-case hex digits only. */
    private static boolean hex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code s[from, to)} holds only the characters of a node id (as {@link #NODE_ID}). */
    private static boolean nodeIdChars(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || ".-_:[]".indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    private static String newInstance() {
        byte[] bytes = new byte[INSTANCE_LENGTH / 2];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * A parsed transaction id.
     *
     * @param term the leader's term
     * @param nodeId the node that ran the transaction
     * @param instance the random part, 16 lower-case hex digits
     * @param seq the sequence number within the instance
     */
    public record Id(long term, String nodeId, String instance, long seq) {
        public Id {
            requireNonNull(nodeId, "nodeId is null");
            requireNonNull(instance, "instance is null");
            if (term < 0 || seq < 0) {
                throw new IllegalArgumentException("term: " + term + ", seq: " + seq + " (expected: >= 0)");
            }
        }

        /** The id as text, as {@link TransactionIds#next} wrote it. */
        @Override
        public String toString() {
            return PREFIX + term + "-" + nodeId + "-" + instance + "-" + seq;
        }
    }
}

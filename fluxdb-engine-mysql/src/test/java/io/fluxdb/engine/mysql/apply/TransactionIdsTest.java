package io.fluxdb.engine.mysql.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TransactionIdsTest {

    @Test
    void formatsAndParsesBack() {
        TransactionIds ids = TransactionIds.forNode("10.0.0.7_7072");
        String first = ids.next(3);
        String second = ids.next(3);

        assertThat(first).matches("fx-3-10\\.0\\.0\\.7_7072-[0-9a-f]{16}-1");
        assertThat(second).endsWith("-2");
        TransactionIds.Id id = TransactionIds.parse(second).orElseThrow();
        assertThat(id.term()).isEqualTo(3);
        assertThat(id.nodeId()).isEqualTo("10.0.0.7_7072");
        assertThat(id.seq()).isEqualTo(2);
        assertThat(id.toString()).isEqualTo(second);
    }

    @Test
    void eachGeneratorDrawsItsOwnInstance() {
        String a = TransactionIds.forNode("n_1").next(1);
        String b = TransactionIds.forNode("n_1").next(1);

        assertThat(a).isNotEqualTo(b);
        assertThat(TransactionIds.parse(a).orElseThrow().instance())
                .isNotEqualTo(TransactionIds.parse(b).orElseThrow().instance());
    }

    @Test
    void nodeIdsWithDashesParseFromBothEnds() {
        TransactionIds ids = TransactionIds.forNode("db-1-0123456789abcdef-9_7072");
        String xid = ids.next(12);

        TransactionIds.Id id = TransactionIds.parse(xid).orElseThrow();
        assertThat(id.nodeId()).isEqualTo("db-1-0123456789abcdef-9_7072");
        assertThat(id.term()).isEqualTo(12);
        assertThat(id.seq()).isEqualTo(1);
    }

    @Test
    void ipv6NodeIdsAreAccepted() {
        String xid = TransactionIds.forNode("[::1]_7072").next(1);

        assertThat(TransactionIds.parse(xid).orElseThrow().nodeId()).isEqualTo("[::1]_7072");
    }

    @Test
    void longestNodeIdAndLargeTermStillFitTheXaLimit() {
        String nodeId = "n".repeat(TransactionIds.MAX_NODE_ID_LENGTH);
        TransactionIds ids = TransactionIds.forNode(nodeId);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            String xid = ids.next(123_456_789L);
            assertThat(xid.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(TransactionIds.MAX_LENGTH);
            assertThat(seen.add(xid)).as("unique: %s", xid).isTrue();
            assertThat(TransactionIds.parse(xid)).isPresent();
        }
        // With 9 digits of term and 32 of node id, one digit is left for the sequence: the instance rotates.
        assertThat(seen.stream().map(x -> TransactionIds.parse(x).orElseThrow().instance()).distinct().count())
                .isGreaterThan(100);
    }

    @Test
    void termTooLargeForTheNodeIsRefused() {
        TransactionIds ids = TransactionIds.forNode("n".repeat(TransactionIds.MAX_NODE_ID_LENGTH));

        assertThatThrownBy(() -> ids.next(Long.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not fit");
        assertThatThrownBy(() -> ids.next(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nodeIdsThatCannotFitOrBeQuotedAreRefused() {
        assertThatThrownBy(() -> TransactionIds.forNode("n".repeat(TransactionIds.MAX_NODE_ID_LENGTH + 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 32")
                .hasMessageContaining("shorter host name");
        assertThatThrownBy(() -> TransactionIds.forNode("it's_1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("letters");
        assertThatThrownBy(() -> TransactionIds.forNode("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TransactionIds.forNode("a b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void otherTextDoesNotParse() {
        assertThat(TransactionIds.parse("")).isEmpty();
        assertThat(TransactionIds.parse("x1")).isEmpty();
        assertThat(TransactionIds.parse("fx-1-n-0123456789abcdef")).isEmpty();
        assertThat(TransactionIds.parse("fx-1-n-0123456789ABCDEF-1")).isEmpty();
        assertThat(TransactionIds.parse("fx-99999999999999999999-n-0123456789abcdef-1")).isEmpty();
        assertThat(TransactionIds.parse("fx-1-n'x-0123456789abcdef-1")).isEmpty();
        assertThat(TransactionIds.parse("fx-1-" + "n".repeat(60) + "-0123456789abcdef-1")).isEmpty();
        assertThat(TransactionIds.parse("fx-1--0123456789abcdef-1")).as("no node id").isEmpty();
        assertThat(TransactionIds.parse("fx--n-0123456789abcdef-1")).as("no term").isEmpty();
        assertThat(TransactionIds.parse("fx-1-n-0123456789abcdef-")).as("no sequence number").isEmpty();
        assertThat(TransactionIds.parse("fx-1-n-0123456789abcde-1")).as("15 hex digits").isEmpty();
        assertThat(TransactionIds.parse("fx-1-n-0123456789abcdef-9223372036854775808")).as("above a long").isEmpty();
        assertThat(TransactionIds.parse("fx-1a-n-0123456789abcdef-1")).isEmpty();
        assertThat(TransactionIds.parse("fx-1-n-0123456789abcdef-1x")).isEmpty();
        assertThat(TransactionIds.parse("fx-1-n0123456789abcdef-1")).isEmpty();
    }

    @Test
    void nodeIdsWithDashesParse() {
        TransactionIds.Id id = TransactionIds.parse("fx-12-my-node-3_7072-0123456789abcdef-42").orElseThrow();
        assertThat(id.term()).isEqualTo(12);
        assertThat(id.nodeId()).isEqualTo("my-node-3_7072");
        assertThat(id.instance()).isEqualTo("0123456789abcdef");
        assertThat(id.seq()).isEqualTo(42);
        assertThat(TransactionIds.parse("fx-1-0-0123456789abcdef-0123456789abcdef-7").orElseThrow().nodeId())
                .as("a node id that looks like an instance").isEqualTo("0-0123456789abcdef");
    }

    /** The parser reads exactly what the format's pattern describes, on texts that mix its parts. */
    @Test
    void parsingAgreesWithTheFormatsPattern() {
        java.util.regex.Pattern format = java.util.regex.Pattern.compile(
                "fx-(\\d{1,19})-([A-Za-z0-9._:\\[\\]-]+)-([0-9a-f]{16})-(\\d{1,19})");
        String[] parts = {"fx", "-", "1", "42", "n", "a-b", "0123456789abcdef", "ABCDEF0123456789", "'", "", "_", "9"};
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 200_000; i++) {
            StringBuilder text = new StringBuilder(random.nextInt(4) == 0 ? "" : "fx-");
            for (int n = random.nextInt(9); n > 0; n--) {
                text.append(parts[random.nextInt(parts.length)]);
            }
            String xid = text.toString();
            java.util.regex.Matcher m = format.matcher(xid);
            java.util.Optional<TransactionIds.Id> parsed = TransactionIds.parse(xid);
            if (m.matches() && xid.length() <= TransactionIds.MAX_LENGTH) {
                assertThat(parsed).as(xid).contains(new TransactionIds.Id(Long.parseLong(m.group(1)), m.group(2),
                        m.group(3), Long.parseLong(m.group(4))));
            } else {
                assertThat(parsed).as(xid).isEmpty();
            }
        }
    }

    @Test
    void leaderCommitStatementNamesTheXid() {
        String xid = TransactionIds.forNode("n_1").next(4);

        assertThat(LeaderCommits.insertStatement(xid))
                .isEqualTo("INSERT INTO fluxdb.leader_commits (xid) VALUES ('" + xid + "')");
        assertThatThrownBy(() -> LeaderCommits.insertStatement("x'); DROP TABLE t; --"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

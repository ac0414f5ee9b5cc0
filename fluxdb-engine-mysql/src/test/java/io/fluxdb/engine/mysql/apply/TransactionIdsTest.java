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

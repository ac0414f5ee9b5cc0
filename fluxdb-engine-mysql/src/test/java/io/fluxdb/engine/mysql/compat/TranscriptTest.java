package io.fluxdb.engine.mysql.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.engine.mysql.compat.Transcript.Outcome;
import io.fluxdb.engine.mysql.compat.Transcript.Status;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TranscriptTest {
    private static final String HEADER = "{\"client\": \"Drv\", \"version\": \"1.2\"}\n";

    @Test
    void jsonRoundTripsAndIgnoresKeyOrder() {
        Object value = Json.parse("{\"a\": [1, 1.50, null, true, \"é\\n\\u263a\"], \"b\": {}}");
        assertThat(value).isEqualTo(Map.of("a", Arrays.asList(new BigDecimal("1"), new BigDecimal("1.50"), null, true,
                "é\n☺"), "b", Map.of()));
        assertThat(Json.parse(Json.write(value))).isEqualTo(value);
        assertThat(Json.parse("{\"x\": 1, \"y\": 2}")).isEqualTo(Json.parse("{\"y\": 2, \"x\": 1}"));
        // 1 and 1.0 are different text, so different values.
        assertThat(Json.parse("[1]")).isNotEqualTo(Json.parse("[1.0]"));
        assertThatThrownBy(() -> Json.parse("{\"a\": 1} x")).hasMessageContaining("after the value");
        assertThatThrownBy(() -> Json.parse("{\"a\": }")).hasMessageContaining("expected a value");
    }

    @Test
    void commonStepsComeFromTheReadmeTable() {
        String readme = "# x\n## The common scenario\n\n| Step | What |\n|---|---|\n| `connect` | a |\n| `tls` | b |\n"
                + "\n## Later\n| `not_a_step` | c |\n";
        assertThat(Transcript.commonSteps(readme)).containsExactly("connect", "tls");
    }

    @Test
    void stepsAreJudgedLineByLine() {
        Transcript direct = Transcript.parse(HEADER
                + "{\"step\": \"connect\", \"result\": [[\"1\"]]}\n"
                + "{\"step\": \"tls\", \"unsupported\": \"no TLS\"}\n"
                + "{\"step\": \"err\", \"error\": {\"code\": 1062, \"message\": \"dup\"}}\n"
                + "{\"step\": \"multi\", \"unsupported\": \"one statement per call\"}\n"
                + "{\"step\": \"extra\", \"result\": 1}\n");
        Transcript proxied = Transcript.parse(HEADER
                + "{\"step\": \"connect\", \"result\": [[\"1\"]]}\n"
                + "{\"step\": \"tls\", \"result\": [[\"1\"]]}\n"
                + "{\"step\": \"err\", \"error\": {\"code\": 1064, \"message\": \"dup\"}}\n"
                + "{\"step\": \"multi\", \"unsupported\": \"one statement per call\"}\n");
        Map<String, Outcome> byStep = new LinkedHashMap<>();
        Transcript.compare(List.of("connect", "tls", "err", "multi", "missing"), direct, proxied)
                .forEach(o -> byStep.put(o.step(), o));

        assertThat(byStep.keySet()).containsExactly("connect", "tls", "err", "multi", "missing", "extra");
        assertThat(byStep.get("connect").status()).isEqualTo(Status.PASS);
        assertThat(byStep.get("tls").status()).isEqualTo(Status.PASS);
        assertThat(byStep.get("err").status()).isEqualTo(Status.FAIL);
        assertThat(byStep.get("err").direct()).contains("1062");
        assertThat(byStep.get("err").operator()).contains("1064");
        assertThat(byStep.get("multi").status()).isEqualTo(Status.UNSUPPORTED);
        assertThat(byStep.get("multi").reason()).isEqualTo("one statement per call");
        assertThat(byStep.get("missing").status()).isEqualTo(Status.FAIL);
        assertThat(byStep.get("extra").status()).isEqualTo(Status.FAIL);
        assertThat(byStep.get("extra").reason()).contains("operator run");
        assertThat(byStep.get("extra").common()).isFalse();
    }

    @Test
    void tlsWithoutAResultThroughTheOperatorFails() {
        Transcript direct = Transcript.parse(HEADER + "{\"step\": \"tls\", \"unsupported\": \"no TLS\"}\n");
        Transcript proxied = Transcript.parse(HEADER + "{\"step\": \"tls\", \"error\": {\"code\": 2026}}\n");
        assertThat(Transcript.compare(List.of("tls"), direct, proxied).getFirst().status()).isEqualTo(Status.FAIL);
    }

    @Test
    void aKnownDifferenceKeepsBothLinesAndItsReason() {
        Transcript direct = Transcript.parse(HEADER + "{\"step\": \"a\", \"result\": 1}\n");
        Transcript other = Transcript.parse(HEADER + "{\"step\": \"a\", \"result\": 2}\n");
        Outcome known = Transcript.compare(List.of("a"), direct, other).getFirst().known("a reason");
        assertThat(known.status()).isEqualTo(Status.KNOWN);
        assertThat(known.toJson()).containsEntry("status", "known").containsEntry("reason", "a reason")
                .containsEntry("direct", "{\"step\": \"a\", \"result\": 1}")
                .containsEntry("operator", "{\"step\": \"a\", \"result\": 2}");
    }

    @Test
    void aTranscriptThatBreaksTheContractIsRejected() {
        assertThatThrownBy(() -> Transcript.parse("{\"step\": \"connect\", \"result\": 1}\n"))
                .hasMessageContaining("first line");
        assertThatThrownBy(() -> Transcript.parse(HEADER + "connected!\n")).hasMessageContaining("not a JSON line");
        assertThatThrownBy(() -> Transcript.parse(HEADER + "{\"step\": \"a\", \"result\": 1}\n{\"step\": \"a\", \"result\": 1}\n"))
                .hasMessageContaining("printed twice");
        assertThatThrownBy(() -> Transcript.parse(HEADER + "{\"step\": \"a\"}\n")).hasMessageContaining("exactly one of");
    }
}

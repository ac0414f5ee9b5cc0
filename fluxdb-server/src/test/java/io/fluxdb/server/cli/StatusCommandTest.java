package io.fluxdb.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.api.ClusterStatusEntry;
import io.fluxdb.api.EngineStatus;
import io.fluxdb.api.FlowControlStatus;
import io.fluxdb.api.StatusReport;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusCommandTest {
    private static StatusReport leader(FlowControlStatus flow) {
        return new StatusReport(StatusReport.OK, 120, "10.0.0.1", StatusReport.IDLE,
                List.of(new ClusterStatusEntry("10.0.0.1", true, 120, false, 0, "10.0.0.1")), "10.0.0.1_7072",
                "10.0.0.1", "LEADER", 2, "10.0.0.1_7072", 120, 120, 0, new EngineStatus("UP", ""), null, null, null,
                null, false, flow);
    }

    @Test
    void theLeadersFlowControlIsPrintedWithEachFollower() {
        String text = StatusCommand.format(leader(new FlowControlStatus(250, true, 42, 9_100, List.of(
                new FlowControlStatus.Follower("10.0.0.2_7072", 100, 320, true),
                new FlowControlStatus.Follower("10.0.0.3_7072", 5, 415, false)))));
        assertThat(text).contains(
                "flow control: writes wait for a follower now (limit 250 entries behind); 42 writes waited, 9100 ms"
                        + " in total\n",
                "  10.0.0.2_7072: 320 behind\n",
                "  10.0.0.3_7072: 415 behind, not waited for\n");
    }

    @Test
    void withoutFlowControlNothingIsPrinted() {
        assertThat(StatusCommand.format(leader(null))).doesNotContain("flow control");
    }
}

package io.fluxdb.replication.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SnapshotHeaderTest {

    @Test
    void readsWhatItWroteAndLeavesTheStreamAtTheDump() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new SnapshotHeader(7, 123_456_789_012L).write(out);
        out.write("dump".getBytes());
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        assertThat(SnapshotHeader.read(in)).isEqualTo(new SnapshotHeader(7, 123_456_789_012L));
        assertThat(new String(in.readAllBytes())).isEqualTo("dump");
    }

    @Test
    void refusesOtherStreamsAndCutHeaders() throws IOException {
        assertThatThrownBy(() -> SnapshotHeader.read(new ByteArrayInputStream("HTTP/1.1 500 oops".getBytes())))
                .isInstanceOf(IOException.class).hasMessageContaining("not a FluxDB snapshot stream");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new SnapshotHeader(1, 2).write(out);
        byte[] cut = Arrays.copyOf(out.toByteArray(), out.size() - 1);
        assertThatThrownBy(() -> SnapshotHeader.read(new ByteArrayInputStream(cut))).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> new SnapshotHeader(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}

package io.fluxdb.replication.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxdb.engine.spi.BoundValue;
import io.fluxdb.engine.spi.EntryKind;
import io.fluxdb.engine.spi.LogEntryContent;
import io.fluxdb.engine.spi.ReplayHints;
import io.fluxdb.engine.spi.ReplicatedStatement;
import io.fluxdb.engine.spi.SessionContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LogEntryCodecTest {

    static List<BoundValue> everyBoundValue() {
        return List.of(
                BoundValue.Null.INSTANCE,
                new BoundValue.Int(0), new BoundValue.Int(Long.MIN_VALUE), new BoundValue.Int(Long.MAX_VALUE),
                new BoundValue.UnsignedInt(-1L), new BoundValue.UnsignedInt(42),
                new BoundValue.Real(1.5), new BoundValue.Real(-0.0), new BoundValue.Real(Double.NaN),
                new BoundValue.Real(Double.NEGATIVE_INFINITY), new BoundValue.Real(Double.MIN_VALUE),
                new BoundValue.Decimal("-12.50"), new BoundValue.Decimal("1e-300"),
                new BoundValue.Text(""), new BoundValue.Text("h\u00e9llo \u4e16\u754c \ud83d\ude00 ' \\ \0"),
                new BoundValue.Bytes(new byte[0]), new BoundValue.Bytes(new byte[] {0, (byte) 0xFF, 0x27, 0x5C}),
                new BoundValue.Date(0, 0, 0), new BoundValue.Date(9999, 12, 31),
                new BoundValue.DateTime(2024, 2, 29, 23, 59, 59, 999_999), new BoundValue.DateTime(0, 0, 0, 0, 0, 0, 0),
                new BoundValue.Time(false, 0, 0, 0, 0), new BoundValue.Time(true, 838, 59, 59, 999_999),
                new BoundValue.Time(false, Integer.MAX_VALUE, 1, 2, 3));
    }

    static SessionContext session() {
        Map<String, String> other = new LinkedHashMap<>();
        other.put("transaction_isolation", "'READ-COMMITTED'");
        other.put("div_precision_increment", "8");
        other.put("a", "NULL");
        return new SessionContext(Optional.of("shop"), "ANSI_QUOTES,NO_BACKSLASH_ESCAPES", "+02:00", "gbk", "utf8mb4",
                Optional.empty(), "utf8mb4_bin", false, true, 65535, 1, other);
    }

    static LogEntryContent fullEntry() {
        Map<String, BoundValue> variables = new LinkedHashMap<>();
        variables.put("id", new BoundValue.Text("6ccd780c-baba-1026-9564-5b8c656024db"));
        variables.put("n", BoundValue.Null.INSTANCE);
        variables.put("b", new BoundValue.Bytes(new byte[] {1, 2}));
        ReplayHints allHints = new ReplayHints(OptionalLong.of(-1L), OptionalLong.of(17),
                Optional.of(new ReplayHints.RandSeed(Long.MIN_VALUE, 123)), OptionalLong.of(1_700_000_000_123_456L),
                variables);
        return new LogEntryContent(EntryKind.TRANSACTION, 1_700_000_000_000_001L, "10.0.0.2_7072", Long.MAX_VALUE,
                session(), Optional.of("'app'@'%'"), Optional.of("fx-3-10.0.0.2_7072-0123456789abcdef-42"), List.of(
                        new ReplicatedStatement("INSERT INTO t VALUES (?, ?, ?)", everyBoundValue(), allHints,
                                OptionalLong.of(3)),
                        new ReplicatedStatement("UPDATE t SET a = 1", List.of(), ReplayHints.NONE,
                                OptionalLong.empty()),
                        new ReplicatedStatement("DELETE FROM t WHERE id = ?", List.of(new BoundValue.Int(5)),
                                new ReplayHints(OptionalLong.empty(), OptionalLong.empty(), Optional.empty(),
                                        OptionalLong.of(0), Map.of()), OptionalLong.of(0))));
    }

    static LogEntryContent minimalEntry() {
        return new LogEntryContent(EntryKind.IMPLICIT_COMMIT, 0, "n", 0,
                new SessionContext(Optional.empty(), "", "SYSTEM", "latin1", "latin1", Optional.of("latin1"),
                        "latin1_swedish_ci", true, false, 1, 65535, Map.of()),
                Optional.empty(), Optional.empty(), List.of(ReplicatedStatement.of("CREATE TABLE t (id INT)")));
    }

    private static EntryEnvelope roundTrip(EntryEnvelope envelope) {
        return LogEntryCodec.decode(ByteBuffer.wrap(LogEntryCodec.encode(envelope)));
    }

    @Test
    void everyFieldSurvivesTheRoundTrip() {
        EntryEnvelope full = new EntryEnvelope(Long.MAX_VALUE, fullEntry());
        assertThat(roundTrip(full)).isEqualTo(full);
        EntryEnvelope minimal = new EntryEnvelope(0, minimalEntry());
        assertThat(roundTrip(minimal)).isEqualTo(minimal);
    }

    @ParameterizedTest
    @MethodSource("everyBoundValue")
    void everyBoundValueSurvivesTheRoundTrip(BoundValue value) {
        LogEntryContent content = new LogEntryContent(EntryKind.TRANSACTION, 1, "n", 1, session(), Optional.empty(),
                Optional.empty(), List.of(new ReplicatedStatement("SELECT ?", List.of(value),
                        new ReplayHints(OptionalLong.empty(), OptionalLong.empty(), Optional.empty(),
                                OptionalLong.empty(), Map.of("v", value)), OptionalLong.empty())));
        EntryEnvelope decoded = roundTrip(new EntryEnvelope(9, content));
        BoundValue parameter = decoded.content().statements().get(0).parameters().get(0);
        assertThat(parameter).isEqualTo(value);
        assertThat(decoded.content().statements().get(0).hints().userVariables()).containsEntry("v", value);
        if (value instanceof BoundValue.Real real) {
            assertThat(Double.doubleToRawLongBits(((BoundValue.Real) parameter).value()))
                    .isEqualTo(Double.doubleToRawLongBits(real.value()));
        }
    }

    @Test
    void theHeaderIsVersionKindAndLastCommitted() {
        byte[] bytes = LogEntryCodec.encode(new EntryEnvelope(0x0102030405060708L, minimalEntry()));
        assertThat(bytes[0]).isEqualTo((byte) 1);
        assertThat(bytes[1]).isEqualTo((byte) 2);
        assertThat(ByteBuffer.wrap(bytes, 2, 8).getLong()).isEqualTo(0x0102030405060708L);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        assertThat(ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt()).isEqualTo((int) crc.getValue());
    }

    @Test
    void decodingReadsFromTheBufferPositionWithoutMovingIt() {
        byte[] bytes = LogEntryCodec.encode(new EntryEnvelope(3, minimalEntry()));
        ByteBuffer buffer = ByteBuffer.allocate(bytes.length + 2);
        buffer.put(new byte[] {9, 9}).put(bytes).position(2);
        assertThat(LogEntryCodec.decode(buffer).lastCommitted()).isEqualTo(3);
        assertThat(buffer.position()).isEqualTo(2);
    }

    @Test
    void everyTruncationIsRefused() {
        byte[] bytes = LogEntryCodec.encode(new EntryEnvelope(1, fullEntry()));
        for (int length = 0; length < bytes.length; length++) {
            ByteBuffer truncated = ByteBuffer.wrap(Arrays.copyOf(bytes, length));
            assertThatThrownBy(() -> LogEntryCodec.decode(truncated)).as("length %d", length)
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void everyFlippedBitIsRefused() {
        byte[] bytes = LogEntryCodec.encode(new EntryEnvelope(1, fullEntry()));
        for (int bit = 0; bit < bytes.length * 8; bit++) {
            byte[] damaged = bytes.clone();
            damaged[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThatThrownBy(() -> LogEntryCodec.decode(ByteBuffer.wrap(damaged))).as("bit %d", bit)
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void anUnknownVersionIsRefusedWithAClearMessage() {
        byte[] bytes = LogEntryCodec.encode(new EntryEnvelope(1, minimalEntry()));
        bytes[0] = 3;
        assertThatThrownBy(() -> LogEntryCodec.decode(ByteBuffer.wrap(resealed(bytes))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("log entry version: 3 (expected: 1 or 2)")
                .hasMessageContaining("upgrade this node");
    }

    /** An entry with a LOAD DATA LOCAL INFILE file is version 2; every other entry stays version 1. */
    static LogEntryContent entryWithFile(byte[] file) {
        ReplayHints hints = new ReplayHints(OptionalLong.empty(), OptionalLong.empty(), Optional.empty(),
                OptionalLong.of(5), Map.of()).withLocalInfile(file);
        return new LogEntryContent(EntryKind.TRANSACTION, 1, "n", 1, session(), Optional.empty(), Optional.empty(),
                List.of(ReplicatedStatement.of("INSERT INTO t VALUES (1)"), new ReplicatedStatement(
                        "LOAD DATA LOCAL INFILE 'f' INTO TABLE t", List.of(), hints, OptionalLong.of(2))));
    }

    @Test
    void aLocalInfileFileMakesTheEntryVersionTwoAndSurvivesTheRoundTrip() {
        byte[] file = "1,a\n2,b\n\0\u00ff".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        EntryEnvelope withFile = new EntryEnvelope(4, entryWithFile(file));
        byte[] bytes = LogEntryCodec.encode(withFile);
        assertThat(bytes[0]).isEqualTo((byte) LogEntryCodec.VERSION_2);
        EntryEnvelope decoded = LogEntryCodec.decode(ByteBuffer.wrap(bytes));
        assertThat(decoded).isEqualTo(withFile);
        assertThat(decoded.content().statements().get(1).hints().localInfile().orElseThrow().value()).isEqualTo(file);
        assertThat(decoded.content().statements().get(0).hints().localInfile()).isEmpty();
        assertThat(LogEntryCodec.encode(new EntryEnvelope(1, fullEntry()))[0]).isEqualTo((byte) LogEntryCodec.VERSION);
    }

    @Test
    void aChecksumEntryIsVersionTwoAndAVersionOneChecksumIsRefused() {
        LogEntryContent checksum = new LogEntryContent(EntryKind.CHECKSUM, 9, "n", 1, session(), Optional.empty(),
                Optional.empty(), List.of(ReplicatedStatement.of("CALL fluxdb.checksum()")));
        byte[] bytes = LogEntryCodec.encode(new EntryEnvelope(8, checksum));
        assertThat(bytes[0]).isEqualTo((byte) LogEntryCodec.VERSION_2);
        assertThat(roundTrip(new EntryEnvelope(8, checksum)).content()).isEqualTo(checksum);
        bytes[0] = (byte) LogEntryCodec.VERSION;
        assertThatThrownBy(() -> LogEntryCodec.decode(ByteBuffer.wrap(resealed(bytes))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("kind: 3");
    }

    @Test
    void aFileInAVersionOneEntryIsRefused() {
        byte[] bytes = LogEntryCodec.encode(new EntryEnvelope(4, entryWithFile(new byte[] {1, 2, 3})));
        bytes[0] = (byte) LogEntryCodec.VERSION;
        assertThatThrownBy(() -> LogEntryCodec.decode(ByteBuffer.wrap(resealed(bytes))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("hint flags: 0x18")
                .hasMessageContaining("only in version 1");
    }

    @Test
    void anUnknownKindIsRefusedEvenWithAValidChecksum() {
        byte[] bytes = LogEntryCodec.encode(new EntryEnvelope(1, minimalEntry()));
        bytes[1] = 3;
        assertThatThrownBy(() -> LogEntryCodec.decode(ByteBuffer.wrap(resealed(bytes))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("kind: 3");
    }

    @Test
    void trailingBytesAreRefusedEvenWithAValidChecksum() {
        byte[] bytes = LogEntryCodec.encode(new EntryEnvelope(1, minimalEntry()));
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        System.arraycopy(bytes, bytes.length - 4, longer, bytes.length - 3, 4);
        longer[bytes.length - 4] = 0;
        assertThatThrownBy(() -> LogEntryCodec.decode(ByteBuffer.wrap(resealed(longer))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("1 trailing bytes");
    }

    @Test
    void aBooleanOtherThanZeroOrOneIsRefused() {
        byte[] bytes = LogEntryCodec.encode(new EntryEnvelope(1, minimalEntry()));
        // version, kind, lastCommitted, timestampMicros, originNodeId "n" (4 + 1), originSessionId: account flag
        int accountPresent = 1 + 1 + 8 + 8 + 5 + 8;
        assertThat(bytes[accountPresent]).isZero();
        bytes[accountPresent] = 2;
        assertThatThrownBy(() -> LogEntryCodec.decode(ByteBuffer.wrap(resealed(bytes))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("account present: 2");
    }

    @Test
    void invalidUtf8IsRefused() {
        byte[] bytes = LogEntryCodec.encode(new EntryEnvelope(1, minimalEntry()));
        int originNodeId = 1 + 1 + 8 + 8 + 4;
        assertThat(bytes[originNodeId]).isEqualTo((byte) 'n');
        bytes[originNodeId] = (byte) 0xC3;
        assertThatThrownBy(() -> LogEntryCodec.decode(ByteBuffer.wrap(resealed(bytes))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("originNodeId: invalid UTF-8");
    }

    @Test
    void aValueTheRecordsRefuseIsACorruptEntry() {
        LogEntryContent content = new LogEntryContent(EntryKind.TRANSACTION, 1, "n", 1, session(), Optional.empty(),
                Optional.empty(), List.of(new ReplicatedStatement("SELECT ?", List.of(new BoundValue.Date(2024, 1, 2)),
                        ReplayHints.NONE, OptionalLong.empty())));
        byte[] bytes = LogEntryCodec.encode(new EntryEnvelope(1, content));
        int month = indexOf(bytes, new byte[] {BoundValueCodec.DATE, 0x07, (byte) 0xE8, 1, 2}) + 3;
        bytes[month] = 13;
        assertThatThrownBy(() -> LogEntryCodec.decode(ByteBuffer.wrap(resealed(bytes))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("month 0-12");
    }

    @Test
    void mapKeysOutOfOrderAreRefused() {
        Map<String, String> other = Map.of("aa", "1", "ab", "2");
        SessionContext session = new SessionContext(Optional.empty(), "", "SYSTEM", "latin1", "latin1",
                Optional.empty(), "c", true, true, 1, 1, other);
        LogEntryContent content = new LogEntryContent(EntryKind.TRANSACTION, 1, "n", 1, session, Optional.empty(),
                Optional.empty(), List.of(ReplicatedStatement.of("x")));
        byte[] bytes = LogEntryCodec.encode(new EntryEnvelope(1, content));
        int first = indexOf(bytes, "aa".getBytes(StandardCharsets.US_ASCII));
        int second = indexOf(bytes, "ab".getBytes(StandardCharsets.US_ASCII));
        bytes[first + 1] = 'b';
        bytes[second + 1] = 'a';
        assertThatThrownBy(() -> LogEntryCodec.decode(ByteBuffer.wrap(resealed(bytes))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("strictly increasing");
    }

    @Test
    void aLoneSurrogateCannotBeEncoded() {
        LogEntryContent content = new LogEntryContent(EntryKind.TRANSACTION, 1, "n", 1, session(), Optional.empty(),
                Optional.empty(), List.of(ReplicatedStatement.of("SELECT '\ud800'")));
        assertThatThrownBy(() -> LogEntryCodec.encode(new EntryEnvelope(1, content)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lone surrogate");
    }

    /** The bytes with their CRC32C recomputed, so that a test reaches the check behind it. */
    private static byte[] resealed(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes, bytes.length - 4, 4).putInt((int) crc.getValue());
        return bytes;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}

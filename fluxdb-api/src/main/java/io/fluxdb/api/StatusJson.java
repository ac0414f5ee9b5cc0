package io.fluxdb.api;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.Moshi;
import java.io.IOException;

/** The {@code /status} JSON both ways: nulls are written (the shape stays the same), unknown fields are skipped. */
public final class StatusJson {
    private static final JsonAdapter<StatusReport> ADAPTER = new Moshi.Builder().build().adapter(StatusReport.class);

    private StatusJson() {
    }

    public static String write(StatusReport report) {
        return ADAPTER.serializeNulls().toJson(report);
    }

    /** Pretty-printed, for people. */
    public static String writeIndented(StatusReport report) {
        return ADAPTER.serializeNulls().indent("  ").toJson(report);
    }

    /**
     * @throws IOException when {@code json} is not a status answer
     */
    public static StatusReport read(String json) throws IOException {
        try {
            StatusReport report = ADAPTER.fromJson(json);
            if (report == null || report.status() == null || report.clusterStatus() == null) {
                throw new IOException("not a status answer: " + abbreviate(json));
            }
            return report;
        } catch (JsonDataException e) {
            throw new IOException("not a status answer (" + e.getMessage() + "): " + abbreviate(json), e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}

package io.fluxdb.api.internal;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonEncodingException;
import com.squareup.moshi.Moshi;
import java.io.IOException;

/** The internal API's JSON (Moshi, records by their components): nulls are written, unknown fields are skipped. */
public final class ApiJson {
    private static final Moshi MOSHI = new Moshi.Builder().build();

    private ApiJson() {
    }

    public static <T> String write(Class<T> type, T value) {
        return MOSHI.adapter(type).serializeNulls().toJson(value);
    }

    /**
     * @throws IOException when {@code json} is not a {@code type}
     */
    public static <T> T read(Class<T> type, String json) throws IOException {
        JsonAdapter<T> adapter = MOSHI.adapter(type);
        try {
            T value = adapter.fromJson(json);
            if (value == null) {
                throw new IOException("expected a " + type.getSimpleName() + ", got null");
            }
            return value;
        } catch (JsonDataException | JsonEncodingException e) {
            throw new IOException("not a " + type.getSimpleName() + " (" + e.getMessage() + "): " + abbreviate(json), e);
        }
    }

    static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}

package io.fluxdb.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Loads byte fixtures captured from a real server: {@code src/test/resources/fixtures/<server>/<name>.hex}
 * holds hex with {@code #} comments; comments and whitespace are stripped before decoding.
 */
public final class Fixtures {
    /** The server the fixtures were captured from. */
    public static final String DEFAULT_SERVER = "mariadb-10.11";

    private Fixtures() {}

    /** The fixture as a new heap buffer (the caller releases it). */
    public static ByteBuf load(String name) {
        return Unpooled.wrappedBuffer(bytes(name));
    }

    public static byte[] bytes(String name) {
        return bytes(DEFAULT_SERVER, name);
    }

    public static byte[] bytes(String server, String name) {
        String path = "/fixtures/" + server + "/" + name + ".hex";
        try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            StringBuilder hex = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                int comment = line.indexOf('#');
                hex.append((comment < 0 ? line : line.substring(0, comment)).replaceAll("\\s+", ""));
            }
            return ByteBufUtil.decodeHexDump(hex);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

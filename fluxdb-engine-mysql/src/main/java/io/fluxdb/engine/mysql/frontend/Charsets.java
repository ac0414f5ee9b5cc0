package io.fluxdb.engine.mysql.frontend;

import io.fluxdb.engine.mysql.sql.MySqlCharsets;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * The Java character set for a MySQL one, for turning a client's statement bytes into the text that goes into the
 * log. The log holds text, and every node feeds it to its engine as UTF-8, so the bytes must be read in the
 * character set the client declared, exactly as the engine reads them.
 */
final class Charsets {
    private Charsets() {}

    private static final Map<String, String> JAVA_NAMES = Map.ofEntries(
            Map.entry("utf8mb4", "UTF-8"), Map.entry("utf8mb3", "UTF-8"), Map.entry("utf8", "UTF-8"),
            // MySQL's latin1 is Windows-1252, with the 0x80-0x9F range filled in.
            // Under binary a byte above 0x7F is not a character: such strings go into the log as bytes.
            Map.entry("latin1", "windows-1252"), Map.entry("ascii", "US-ASCII"), Map.entry("binary", "US-ASCII"),
            Map.entry("latin2", "ISO-8859-2"), Map.entry("greek", "ISO-8859-7"), Map.entry("hebrew", "ISO-8859-8"),
            Map.entry("latin5", "ISO-8859-9"), Map.entry("latin7", "ISO-8859-13"), Map.entry("cp1250", "windows-1250"),
            Map.entry("cp1251", "windows-1251"), Map.entry("cp1256", "windows-1256"), Map.entry("cp1257", "windows-1257"),
            Map.entry("cp850", "IBM850"), Map.entry("cp852", "IBM852"), Map.entry("cp866", "IBM866"),
            Map.entry("koi8r", "KOI8-R"), Map.entry("koi8u", "KOI8-U"), Map.entry("gbk", "GBK"),
            Map.entry("gb2312", "GB2312"), Map.entry("gb18030", "GB18030"), Map.entry("big5", "Big5"),
            Map.entry("sjis", "Shift_JIS"), Map.entry("cp932", "windows-31j"), Map.entry("ujis", "EUC-JP"),
            Map.entry("eucjpms", "EUC-JP"), Map.entry("euckr", "EUC-KR"), Map.entry("tis620", "TIS-620"),
            Map.entry("ucs2", "UTF-16BE"), Map.entry("utf16", "UTF-16BE"), Map.entry("utf16le", "UTF-16LE"),
            Map.entry("utf32", "UTF-32BE"));

    /** The Java charset for a MySQL character set name; UTF-8 for names it does not know. */
    static Charset forName(String mysqlName) {
        String name = JAVA_NAMES.get(mysqlName.toLowerCase(Locale.ROOT));
        if (name == null || !Charset.isSupported(name)) {
            return StandardCharsets.UTF_8;
        }
        return Charset.forName(name);
    }

    /** Decodes {@code bytes} from {@code offset} strictly, or returns null if they are not valid in {@code charset}. */
    static String decode(byte[] bytes, int offset, Charset charset) {
        return MySqlCharsets.decodeStrict(charset, bytes, offset, bytes.length - offset);
    }
}

package io.fluxdb.engine.mysql.sql;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * MySQL and MariaDB character sets as a front end meets them: by collation id in the handshake and COM_CHANGE_USER,
 * by name in {@code SET NAMES} and {@code @@character_set_client}. Gives the Java charset that decodes text in each.
 *
 * @see <a href="https://mariadb.com/kb/en/supported-character-sets-and-collations/">MariaDB: Supported Character Sets
 *     and Collations</a>
 */
public final class MySqlCharsets {

    /**
     * Collation ids by character set: MariaDB 10.11's {@code information_schema.COLLATIONS}, plus MySQL 8's gb18030
     * and utf8mb4 0900 collations, whose ids MariaDB does not use.
     */
    private static final String[] COLLATIONS = {
        "armscii8", "32,64,1056,1088",
        "ascii", "11,65,1035,1089",
        "big5", "1,84,1025,1108",
        "binary", "63",
        "cp1250", "26,34,44,66,99,1050,1090",
        "cp1251", "14,23,50-52,1074,1075",
        "cp1256", "57,67,1081,1091",
        "cp1257", "29,58,59,1082,1083",
        "cp850", "4,80,1028,1104",
        "cp852", "40,81,1064,1105",
        "cp866", "36,68,1060,1092",
        "cp932", "95,96,1119,1120",
        "dec8", "3,69,1027,1093",
        "eucjpms", "97,98,1121,1122",
        "euckr", "19,85,1043,1109",
        "gb18030", "248-250",
        "gb2312", "24,86,1048,1110",
        "gbk", "28,87,1052,1111",
        "geostd8", "92,93,1116,1117",
        "greek", "25,70,1049,1094",
        "hebrew", "16,71,1040,1095",
        "hp8", "6,72,1030,1096",
        "keybcs2", "37,73,1061,1097",
        "koi8r", "7,74,1031,1098",
        "koi8u", "22,75,1046,1099",
        "latin1", "5,8,15,31,47-49,94,1032,1071",
        "latin2", "2,9,21,27,77,1033,1101",
        "latin5", "30,78,1054,1102",
        "latin7", "20,41,42,79,1065,1103",
        "macce", "38,43,1062,1067",
        "macroman", "39,53,1063,1077",
        "sjis", "13,88,1037,1112",
        "swe7", "10,82,1034,1106",
        "tis620", "18,89,1042,1113",
        "ucs2", "35,90,128-151,159,640-642,1059,1114,1152,1174",
        "ujis", "12,91,1036,1115",
        "utf16", "54,55,101-124,672-674,1078,1079,1125,1147",
        "utf16le", "56,62,1080,1086",
        "utf32", "60,61,160-183,736-738,1084,1085,1184,1206",
        "utf8mb3", "33,76,83,192-215,223,576-578,1057,1107,1216,1238",
        "utf8mb4", "45,46,224-247,255-323,608-610,1069,1070,1248,1270",
    };

    private static final Map<Integer, String> BY_COLLATION = byCollation();

    /** Java charsets by MySQL name, where the name differs or the mapping is not obvious. */
    private static final Map<String, String> JAVA_NAMES = Map.ofEntries(
            Map.entry("utf8mb4", "UTF-8"),
            Map.entry("utf8mb3", "UTF-8"),
            // MySQL's latin1 is Windows-1252, not ISO 8859-1.
            Map.entry("latin1", "windows-1252"),
            Map.entry("latin2", "ISO-8859-2"),
            Map.entry("latin5", "ISO-8859-9"),
            Map.entry("latin7", "ISO-8859-13"),
            Map.entry("greek", "ISO-8859-7"),
            Map.entry("hebrew", "ISO-8859-8"),
            Map.entry("ascii", "US-ASCII"),
            Map.entry("binary", "ISO-8859-1"),
            Map.entry("cp1250", "windows-1250"),
            Map.entry("cp1251", "windows-1251"),
            Map.entry("cp1256", "windows-1256"),
            Map.entry("cp1257", "windows-1257"),
            Map.entry("cp850", "IBM850"),
            Map.entry("cp852", "IBM852"),
            Map.entry("cp866", "IBM866"),
            Map.entry("koi8r", "KOI8-R"),
            Map.entry("koi8u", "KOI8-U"),
            Map.entry("tis620", "TIS-620"),
            Map.entry("macroman", "x-MacRoman"),
            Map.entry("macce", "x-MacCentralEurope"),
            Map.entry("gbk", "GBK"),
            Map.entry("gb2312", "GB2312"),
            Map.entry("gb18030", "GB18030"),
            Map.entry("big5", "Big5"),
            Map.entry("sjis", "Shift_JIS"),
            Map.entry("cp932", "windows-31j"),
            Map.entry("ujis", "EUC-JP"),
            Map.entry("eucjpms", "x-eucJP-Open"),
            Map.entry("euckr", "EUC-KR"),
            Map.entry("ucs2", "UTF-16BE"),
            Map.entry("utf16", "UTF-16BE"),
            Map.entry("utf16le", "UTF-16LE"),
            Map.entry("utf32", "UTF-32BE"));

    private MySqlCharsets() {
    }

    /** The character set of a collation id, as the handshake and COM_CHANGE_USER carry it. */
    public static Optional<String> ofCollation(int collationId) {
        return Optional.ofNullable(BY_COLLATION.get(collationId));
    }

    /**
     * A character set name as the engine knows it: lower case, without quotes, {@code utf8} read as MariaDB's and
     * MySQL 8's {@code utf8mb3}. A name given as a quoted literal ({@code 'gbk'}) is unquoted.
     */
    public static String normalize(String name) {
        requireNonNull(name, "name is null");
        String n = name.trim();
        if (n.length() >= 2 && (n.charAt(0) == '\'' || n.charAt(0) == '"' || n.charAt(0) == '`')
                && n.charAt(n.length() - 1) == n.charAt(0)) {
            n = n.substring(1, n.length() - 1).trim();
        }
        n = n.toLowerCase(Locale.ROOT);
        return n.equals("utf8") ? "utf8mb3" : n;
    }

    /**
     * Whether a client may send text in this character set. The engine refuses ucs2, utf16, utf16le and utf32 as
     * {@code character_set_client} (a handshake asking for one gets the server's default instead).
     */
    public static boolean usableByClients(String name) {
        return switch (normalize(name)) {
            case "ucs2", "utf16", "utf16le", "utf32" -> false;
            default -> true;
        };
    }

    /** Whether a character set is one the engine knows ({@link #ofCollation} lists it). */
    public static boolean known(String name) {
        return BY_COLLATION.containsValue(normalize(name));
    }

    /** The Java charset that decodes text in this character set; ISO-8859-1 (byte for byte) for one Java lacks. */
    public static Charset javaCharset(String name) {
        String n = normalize(name);
        String java = JAVA_NAMES.get(n);
        if (java != null && Charset.isSupported(java)) {
            return Charset.forName(java);
        }
        return StandardCharsets.ISO_8859_1;
    }

    /**
     * Decodes {@code length} bytes from {@code offset} strictly, as the engine reads them, or returns null if they are
     * not valid in {@code charset}. MySQL's latin1 (Java's windows-1252) maps the five bytes Windows leaves undefined
     * (0x81, 0x8D, 0x8F, 0x90, 0x9D) to the control characters of the same number, so every byte is valid there.
     */
    public static String decodeStrict(Charset charset, byte[] bytes, int offset, int length) {
        boolean latin1 = charset.name().equals("windows-1252");
        CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(latin1 ? CodingErrorAction.REPLACE : CodingErrorAction.REPORT)
                .onUnmappableCharacter(latin1 ? CodingErrorAction.REPLACE : CodingErrorAction.REPORT);
        if (latin1) {
            decoder.replaceWith("\uFFFF");
        }
        try {
            String text = decoder.decode(ByteBuffer.wrap(bytes, offset, length)).toString();
            if (!latin1 || text.indexOf('\uFFFF') < 0) {
                return text;
            }
            char[] chars = text.toCharArray();
            for (int i = 0; i < chars.length; i++) {
                if (chars[i] == '\uFFFF') {
                    chars[i] = (char) (bytes[offset + i] & 0xFF); // one character per byte in latin1
                }
            }
            return new String(chars);
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** How the engine's lexer finds multi-byte characters in this character set. */
    static MultiByte multiByte(String name) {
        return switch (normalize(name)) {
            case "gbk" -> MultiByte.GBK;
            case "big5" -> MultiByte.BIG5;
            case "sjis", "cp932" -> MultiByte.SJIS;
            case "gb18030" -> MultiByte.GB18030;
            default -> MultiByte.NONE;
        };
    }

    private static Map<Integer, String> byCollation() {
        Map<Integer, String> map = new HashMap<>();
        for (int i = 0; i < COLLATIONS.length; i += 2) {
            for (String part : COLLATIONS[i + 1].split(",")) {
                int dash = part.indexOf('-');
                int from = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
                int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1));
                for (int id = from; id <= to; id++) {
                    map.put(id, COLLATIONS[i]);
                }
            }
        }
        return Map.copyOf(map);
    }
}

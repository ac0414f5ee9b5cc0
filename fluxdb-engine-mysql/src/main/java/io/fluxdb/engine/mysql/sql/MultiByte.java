package io.fluxdb.engine.mysql.sql;

/**
 * Where the engine's lexer sees a multi-byte character in text read as raw bytes (each byte one {@code char} of
 * 0..255). Only the character sets whose multi-byte characters can contain bytes below 0x80 need this: their second
 * byte can be {@code \} (0x5C) or {@code `} (0x60), which the engine does not take as an escape or a closing quote
 * inside a character. In UTF-8, latin1, ujis, euckr and the other client character sets every byte of a multi-byte
 * character is 0x80 or above, so reading them byte by byte finds the same tokens.
 *
 * <p>The byte ranges are those of MariaDB's and MySQL's {@code ismbchar}/{@code charlen} for each character set: a
 * lead byte followed by a byte outside the trail range is one byte on its own, exactly as the engine reads it.
 *
 * @see <a href="https://github.com/MariaDB/server/blob/main/strings/ctype-gbk.c">MariaDB: ctype-gbk.c</a>
 */
enum MultiByte {
    /** Every byte below 0x80 is an ASCII character. */
    NONE,
    /** gbk: lead 0x81-0xFE, trail 0x40-0x7E or 0x80-0xFE. */
    GBK,
    /** big5: lead 0xA1-0xF9, trail 0x40-0x7E or 0xA1-0xFE. */
    BIG5,
    /** sjis and cp932: lead 0x81-0x9F or 0xE0-0xFC, trail 0x40-0x7E or 0x80-0xFC. */
    SJIS,
    /** gb18030 (MySQL only): gbk's two-byte characters, and four bytes lead, 0x30-0x39, 0x81-0xFE, 0x30-0x39. */
    GB18030;

    /** The length of the character at {@code pos}: 2 or 4 for a multi-byte character, else 1. */
    int length(String text, int pos, int limit) {
        if (this == NONE || pos + 1 >= limit) {
            return 1;
        }
        int lead = text.charAt(pos);
        int second = text.charAt(pos + 1);
        return switch (this) {
            case NONE -> 1;
            case GBK -> in(lead, 0x81, 0xFE) && gbkTrail(second) ? 2 : 1;
            case BIG5 -> in(lead, 0xA1, 0xF9) && (in(second, 0x40, 0x7E) || in(second, 0xA1, 0xFE)) ? 2 : 1;
            case SJIS -> (in(lead, 0x81, 0x9F) || in(lead, 0xE0, 0xFC))
                    && (in(second, 0x40, 0x7E) || in(second, 0x80, 0xFC)) ? 2 : 1;
            case GB18030 -> gb18030(text, pos, limit, lead, second);
        };
    }

    private static int gb18030(String text, int pos, int limit, int lead, int second) {
        if (!in(lead, 0x81, 0xFE)) {
            return 1;
        }
        if (gbkTrail(second)) {
            return 2;
        }
        if (in(second, 0x30, 0x39) && pos + 3 < limit && in(text.charAt(pos + 2), 0x81, 0xFE)
                && in(text.charAt(pos + 3), 0x30, 0x39)) {
            return 4;
        }
        return 1;
    }

    private static boolean gbkTrail(int c) {
        return in(c, 0x40, 0x7E) || in(c, 0x80, 0xFE);
    }

    private static boolean in(int c, int low, int high) {
        return c >= low && c <= high;
    }
}

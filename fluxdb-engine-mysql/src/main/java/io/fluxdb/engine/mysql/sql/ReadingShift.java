package io.fluxdb.engine.mysql.sql;

/**
 * The reading of the rest of a text after a statement that changes the SQL mode or the character set.
 *
 * @param reading how to read the rest
 * @param ambiguous whether the rest cannot be read with certainty: the new setting is not known and the rest holds
 *     characters whose reading depends on it, or decoded text changes to or from a character set whose multi-byte
 *     characters can hide ASCII bytes (only the bytes could tell)
 */
record ReadingShift(Reading reading, boolean ambiguous) {

    static ReadingShift after(Reading reading, ReadingChange change, SqlText source, int from) {
        String text = source.text();
        Reading next = reading;
        boolean ambiguous = false;
        if (change.mode() != null) {
            next = next.withMode(change.mode());
        } else if (change.modeUnknown()) {
            ambiguous = dependsOnMode(text, from);
        }
        if (change.characterSet() != null) {
            boolean hidesAscii = MySqlCharsets.multiByte(reading.characterSet()) != MultiByte.NONE
                    || MySqlCharsets.multiByte(change.characterSet()) != MultiByte.NONE;
            ambiguous |= !source.bytes() && hidesAscii && hasNonAscii(text, from);
            next = Reading.of(next.mode(), change.characterSet(), source.bytes(), next.versions());
        } else if (change.characterSetUnknown()) {
            ambiguous |= hasNonAscii(text, from);
        }
        return new ReadingShift(next, ambiguous);
    }

    /**
     * Whether text could read differently under another SQL mode: it holds a double quote (ANSI_QUOTES), a backslash
     * (NO_BACKSLASH_ESCAPES), a bracket (MSSQL), or the word NEXTVAL or CURRVAL (ORACLE's {@code seq.NEXTVAL}).
     */
    private static boolean dependsOnMode(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\' || c == '[' || (c == '.' && sequenceWordAt(text, i + 1))) {
                return true;
            }
        }
        return false;
    }

    private static boolean sequenceWordAt(String text, int at) {
        int i = at;
        while (i < text.length() && text.charAt(i) <= ' ') {
            i++;
        }
        return text.regionMatches(true, i, "NEXTVAL", 0, 7) || text.regionMatches(true, i, "CURRVAL", 0, 7);
    }

    private static boolean hasNonAscii(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return true;
            }
        }
        return false;
    }
}

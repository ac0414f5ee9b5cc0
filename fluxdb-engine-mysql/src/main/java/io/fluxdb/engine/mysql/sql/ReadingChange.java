package io.fluxdb.engine.mysql.sql;

/**
 * How a statement changes the way the engine reads the statements after it in the same text: {@code SET sql_mode}
 * and {@code SET NAMES} take effect for the next statement, not only for the next query.
 *
 * @param mode the new SQL mode, or null when it does not change or is not known
 * @param characterSet the new client character set, normalized, or null when it does not change or is not known
 * @param modeUnknown whether the SQL mode changes to a value the text does not tell
 * @param characterSetUnknown whether the character set changes to a value the text does not tell
 */
record ReadingChange(SqlMode mode, String characterSet, boolean modeUnknown, boolean characterSetUnknown) {

    static final ReadingChange NONE = new ReadingChange(null, null, false, false);

    boolean changes() {
        return mode != null || characterSet != null || modeUnknown || characterSetUnknown;
    }

    ReadingChange withMode(SqlMode newMode) {
        return new ReadingChange(newMode, characterSet, false, characterSetUnknown);
    }

    ReadingChange withUnknownMode() {
        return new ReadingChange(null, characterSet, true, characterSetUnknown);
    }

    ReadingChange withCharacterSet(String newCharacterSet) {
        return new ReadingChange(mode, newCharacterSet, modeUnknown, false);
    }

    ReadingChange withUnknownCharacterSet() {
        return new ReadingChange(mode, null, modeUnknown, true);
    }
}

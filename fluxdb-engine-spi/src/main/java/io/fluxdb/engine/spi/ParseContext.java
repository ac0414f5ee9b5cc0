package io.fluxdb.engine.spi;

import static java.util.Objects.requireNonNull;

/**
 * The session state that decides how an engine reads a statement's text. The same bytes can be two different
 * statements under two settings (a quote inside a multi-byte character, a double quote that quotes an identifier
 * instead of a string), and a classifier that reads text differently from the engine could let a write run on one
 * node only; so a front end classifies with the context of the session that sent the text.
 *
 * @param sqlMode the session's SQL mode as the engine reports it, names separated by commas (for MySQL and MariaDB:
 *     {@code @@sql_mode}, such as {@code "ANSI_QUOTES,STRICT_TRANS_TABLES"}); empty when no mode is set
 * @param characterSet the character set the client encodes statement text in, by the engine's name for it (for MySQL
 *     and MariaDB: {@code @@character_set_client}, such as {@code "utf8mb4"} or {@code "gbk"})
 */
public record ParseContext(String sqlMode, String characterSet) {

    /** No SQL mode that changes how text is read, and UTF-8 text. */
    public static final ParseContext DEFAULT = new ParseContext("", "utf8mb4");

    public ParseContext {
        requireNonNull(sqlMode, "sqlMode is null");
        requireNonNull(characterSet, "characterSet is null");
        if (characterSet.isBlank()) {
            throw new IllegalArgumentException("characterSet: '" + characterSet + "' (expected: a character set name)");
        }
    }

    /** The same SQL mode with another character set. */
    public ParseContext withCharacterSet(String newCharacterSet) {
        return new ParseContext(sqlMode, newCharacterSet);
    }

    /** The same character set with another SQL mode. */
    public ParseContext withSqlMode(String newSqlMode) {
        return new ParseContext(newSqlMode, characterSet);
    }
}

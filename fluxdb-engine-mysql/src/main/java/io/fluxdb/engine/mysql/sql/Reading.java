package io.fluxdb.engine.mysql.sql;

import static java.util.Objects.requireNonNull;

import java.nio.charset.Charset;

/**
 * How the engine reads one statement: the session's SQL mode, the character set of the text, and which executable
 * comments the server runs. A statement that changes the SQL mode or the character set changes the reading of the
 * statements after it in the same text.
 *
 * @param mode the lexical parts of {@code sql_mode}
 * @param characterSet the client character set's name, normalized
 * @param multiByte where multi-byte characters are, for text read as bytes ({@link MultiByte#NONE} for decoded text)
 * @param charset the Java charset that decodes names and values taken from text read as bytes
 * @param versions which executable comments run
 */
record Reading(SqlMode mode, String characterSet, MultiByte multiByte, Charset charset, Versions versions) {

    Reading {
        requireNonNull(mode, "mode is null");
        requireNonNull(characterSet, "characterSet is null");
        requireNonNull(multiByte, "multiByte is null");
        requireNonNull(charset, "charset is null");
        requireNonNull(versions, "versions is null");
    }

    /** The reading of {@code characterSet} text given as bytes ({@code bytes}) or as decoded characters. */
    static Reading of(SqlMode mode, String characterSet, boolean bytes, Versions versions) {
        String name = MySqlCharsets.normalize(characterSet);
        return new Reading(mode, name, bytes ? MySqlCharsets.multiByte(name) : MultiByte.NONE,
                MySqlCharsets.javaCharset(name), versions);
    }

    Reading withMode(SqlMode newMode) {
        return new Reading(newMode, characterSet, multiByte, charset, versions);
    }

    /** Which executable comments ({@code /*!50003 ...*}{@code /}, {@code /*M!100100 ...*}{@code /}) a server runs. */
    record Versions(long serverVersion, boolean mariaDb, boolean everything) {
        /** Runs every executable comment: for a server that is not known. */
        static final Versions ALL = new Versions(Long.MAX_VALUE, true, true);

        static Versions of(long serverVersion, boolean mariaDb) {
            return new Versions(serverVersion, mariaDb, false);
        }

        /**
         * Whether the server runs a comment {@code /*!version} ({@code mariaOnly}: {@code /*M!version}). MariaDB
         * skips {@code /*!} comments for MySQL versions 5.7 to 9.x (50700-99999), whose syntax it may not share; MySQL
         * does not know {@code /*M!} at all.
         *
         * @see <a href="https://mariadb.com/kb/en/comment-syntax/">MariaDB: Comment Syntax</a>
         */
        boolean runs(long version, boolean mariaOnly) {
            if (everything) {
                return true;
            }
            if (mariaOnly && !mariaDb) {
                return false;
            }
            if (version > serverVersion) {
                return false;
            }
            return !mariaDb || mariaOnly || version < 50700 || version > 99999;
        }
    }
}

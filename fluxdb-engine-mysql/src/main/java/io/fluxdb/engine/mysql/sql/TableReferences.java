package io.fluxdb.engine.mysql.sql;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.util.Objects.requireNonNull;

import io.fluxdb.engine.spi.ParseContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The tables a statement creates, drops or writes, and every name it holds, read as the engine reads its text. A
 * front end uses it to keep a session's temporary tables on the one engine that has them: statements on them run
 * there and are not replicated, and a replicated statement must not read them.
 *
 * <p>Only the forms whose target is plain to see are recognized: {@code CREATE TEMPORARY TABLE}, {@code DROP
 * [TEMPORARY] TABLE}, {@code TRUNCATE}, and single-table {@code INSERT}, {@code REPLACE}, {@code UPDATE} and {@code
 * DELETE}. Anything else is {@link Form#OTHER}, and its names are still listed.
 */
public final class TableReferences {

    /** What a statement does to tables. */
    public enum Form {
        /** {@code CREATE TEMPORARY TABLE} with its columns or {@code LIKE}: nothing is evaluated. */
        CREATE_TEMPORARY,
        /** {@code CREATE TEMPORARY TABLE ... SELECT}: the query runs, and could call functions that write. */
        CREATE_TEMPORARY_SELECT,
        /** {@code DROP TEMPORARY TABLE}: the engine drops temporary tables only. */
        DROP_TEMPORARY,
        /** {@code DROP TABLE}: temporary tables of that name first, else real ones. */
        DROP,
        /** {@code TRUNCATE [TABLE]}. */
        TRUNCATE,
        /** {@code INSERT}, {@code REPLACE}, {@code UPDATE} or {@code DELETE} of one table. */
        WRITE,
        OTHER
    }

    /** A table name as written: its database when the name is qualified. */
    public record TableName(Optional<String> database, String name) {
        public TableName {
            requireNonNull(database, "database is null");
            requireNonNull(name, "name is null");
        }

        /** The table this name denotes in a session whose current database is {@code current}. */
        public TableName resolve(Optional<String> current) {
            return database.isPresent() ? this : new TableName(current, name);
        }

        @Override
        public String toString() {
            return database.map(d -> d + ".").orElse("") + name;
        }
    }

    /**
     * What was read.
     *
     * @param form the statement's form
     * @param tables the tables the form creates, drops, truncates or writes, in order; empty for {@link Form#OTHER}
     * @param names every identifier in the text (quoted or not, unquoted), for telling whether it names a table
     * @param ifExists whether a DROP says {@code IF EXISTS}
     * @param executableComment whether the text holds an executable comment ({@code /*!...*}{@code /}), which this
     *     reader takes as code whatever the server's version
     */
    public record Statement(Form form, List<TableName> tables, Set<String> names, boolean ifExists,
            boolean executableComment) {
        public Statement {
            requireNonNull(form, "form is null");
            tables = List.copyOf(tables);
            names = Set.copyOf(names);
        }
    }

    private static final Set<String> INSERT_OPTIONS = Set.of("LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "IGNORE");
    private static final Set<String> DELETE_OPTIONS = Set.of("LOW_PRIORITY", "QUICK", "IGNORE");
    /** Words that may follow the table of a single-table DELETE. */
    private static final Set<String> AFTER_DELETE_TABLE = Set.of("WHERE", "ORDER", "LIMIT", "RETURNING", "PARTITION");

    private final String text;
    private final byte[] bytes;
    private final Reading reading;
    private final List<SqlToken> tokens;
    private boolean ifExists;

    private TableReferences(byte[] bytes, String text, Reading reading, List<SqlToken> tokens) {
        this.bytes = bytes;
        this.text = text;
        this.reading = reading;
        this.tokens = tokens;
    }

    /**
     * Reads one statement given as bytes in the session's character set. Empty when the text holds more than one
     * statement.
     */
    public static Optional<Statement> read(byte[] statement, ParseContext context) {
        requireNonNull(statement, "statement is null");
        requireNonNull(context, "context is null");
        Reading reading = Reading.of(SqlMode.parse(context.sqlMode()), context.characterSet(), true,
                Reading.Versions.ALL);
        // Latin-1 maps each byte to one char: offsets in the string are offsets in the bytes.
        String text = new String(statement, ISO_8859_1);
        List<SqlToken> tokens = SqlToken.ofOneStatement(text, reading);
        if (tokens == null) {
            return Optional.empty();
        }
        return Optional.of(new TableReferences(statement, text, reading, tokens).statement());
    }

    private Statement statement() {
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).isName()) {
                names.add(identifier(i));
            }
        }
        List<TableName> tables = new ArrayList<>();
        Form form = form(tables);
        if (form == Form.OTHER) {
            tables.clear();
        }
        return new Statement(form, tables, names, ifExists, text.contains("/*!") || text.contains("/*M!")
                || text.contains("/*m!"));
    }

    private Form form(List<TableName> tables) {
        if (tokens.isEmpty() || type(0) != SqlLexer.WORD) {
            return Form.OTHER;
        }
        int i = 1;
        switch (word(0)) {
            case "CREATE" -> {
                if (isWord(i, "OR") && isWord(i + 1, "REPLACE")) {
                    i += 2;
                }
                if (!isWord(i, "TEMPORARY") || !isWord(i + 1, "TABLE")) {
                    return Form.OTHER;
                }
                i += 2;
                if (isWord(i, "IF") && isWord(i + 1, "NOT") && isWord(i + 2, "EXISTS")) {
                    i += 3;
                }
                if (tableName(i, tables) < 0) {
                    return Form.OTHER;
                }
                for (int j = i; j < tokens.size(); j++) {
                    if (isWord(j, "SELECT") || isWord(j, "VALUES") || isWord(j, "WITH")) {
                        return Form.CREATE_TEMPORARY_SELECT;
                    }
                }
                return Form.CREATE_TEMPORARY;
            }
            case "DROP" -> {
                boolean temporary = isWord(i, "TEMPORARY");
                if (temporary) {
                    i++;
                }
                if (!isWord(i, "TABLE") && !isWord(i, "TABLES")) {
                    return Form.OTHER;
                }
                i++;
                if (isWord(i, "IF") && isWord(i + 1, "EXISTS")) {
                    ifExists = true;
                    i += 2;
                }
                while (true) {
                    i = tableName(i, tables);
                    if (i < 0) {
                        return Form.OTHER;
                    }
                    if (!isPunct(i, ',')) {
                        break;
                    }
                    i++;
                }
                // RESTRICT and CASCADE do nothing; anything else is a form this reader does not know.
                if (isWord(i, "RESTRICT") || isWord(i, "CASCADE")) {
                    i++;
                }
                return i == tokens.size() ? (temporary ? Form.DROP_TEMPORARY : Form.DROP) : Form.OTHER;
            }
            case "TRUNCATE" -> {
                if (isWord(i, "TABLE")) {
                    i++;
                }
                i = tableName(i, tables);
                return i == tokens.size() ? Form.TRUNCATE : Form.OTHER;
            }
            case "INSERT", "REPLACE" -> {
                while (i < tokens.size() && type(i) == SqlLexer.WORD && INSERT_OPTIONS.contains(word(i))) {
                    i++;
                }
                if (isWord(i, "INTO")) {
                    i++;
                }
                return tableName(i, tables) < 0 ? Form.OTHER : Form.WRITE;
            }
            case "UPDATE" -> {
                while (i < tokens.size() && type(i) == SqlLexer.WORD && (isWord(i, "LOW_PRIORITY")
                        || isWord(i, "IGNORE"))) {
                    i++;
                }
                i = tableName(i, tables);
                if (i < 0) {
                    return Form.OTHER;
                }
                // UPDATE t [[AS] alias] SET: anything else (a comma, a JOIN) names more tables.
                if (isWord(i, "AS")) {
                    i++;
                }
                if (i < tokens.size() && !isWord(i, "SET") && isName(i)) {
                    i++;
                }
                return isWord(i, "SET") ? Form.WRITE : Form.OTHER;
            }
            case "DELETE" -> {
                while (i < tokens.size() && type(i) == SqlLexer.WORD && DELETE_OPTIONS.contains(word(i))) {
                    i++;
                }
                if (!isWord(i, "FROM")) {
                    return Form.OTHER; // DELETE t1, t2 FROM ...: several tables
                }
                i = tableName(i + 1, tables);
                if (i < 0) {
                    return Form.OTHER;
                }
                if (i == tokens.size() || (type(i) == SqlLexer.WORD && AFTER_DELETE_TABLE.contains(word(i)))) {
                    return Form.WRITE;
                }
                return Form.OTHER; // DELETE FROM t1, t2 USING ..., or an alias MariaDB reads otherwise
            }
            default -> {
                return Form.OTHER;
            }
        }
    }

    /** Reads {@code name} or {@code db.name} at token {@code i} into {@code tables}; the next index, or -1. */
    private int tableName(int i, List<TableName> tables) {
        if (!isName(i)) {
            return -1;
        }
        if (isPunct(i + 1, '.') && isName(i + 2)) {
            tables.add(new TableName(Optional.of(identifier(i)), identifier(i + 2)));
            return i + 3;
        }
        tables.add(new TableName(Optional.empty(), identifier(i)));
        return i + 1;
    }

    private boolean isName(int i) {
        return i < tokens.size() && tokens.get(i).isName();
    }

    private int type(int i) {
        return tokens.get(i).type();
    }

    private boolean isWord(int i, String upper) {
        return i < tokens.size() && tokens.get(i).isWord(text, upper);
    }

    private boolean isPunct(int i, char c) {
        return i < tokens.size() && tokens.get(i).isPunct(text, c);
    }

    private String word(int i) {
        return tokens.get(i).text(text).toUpperCase(Locale.ROOT);
    }

    /** The name token {@code i} denotes, decoded from the text's character set. */
    private String identifier(int i) {
        SqlToken t = tokens.get(i);
        return StatementAnalyzer.unquote(new String(bytes, t.start(), t.end() - t.start(), reading.charset()));
    }
}

package io.fluxdb.engine.spi;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.List;

/**
 * Tells a front end how to route statement text: read locally, forward to the leader, track as session state.
 *
 * <p>Implementations are dialect knowledge, stateless and thread-safe, and never throw on any input: text they do
 * not understand is classified {@link StatementKind#WRITE}, never {@link StatementKind#READ}.
 *
 * <p>Text is read the way the engine reads it in a session with the given {@link ParseContext}. Text that arrives
 * as bytes (a query packet) is best classified as those bytes: some character sets (gbk, big5, sjis) have
 * characters whose second byte is a backslash, and only a reader of the bytes in that character set sees where
 * strings end as the engine does.
 */
public interface StatementClassifier {

    /**
     * Splits a query text into its statements and classifies each, in text order, in the {@link ParseContext#DEFAULT
     * default context}. Separators inside strings, comments and compound-statement bodies do not split. Never empty:
     * text without statements yields one {@link StatementKind#EMPTY} classification.
     */
    List<Classification> classifyAll(String sql);

    /**
     * Like {@link #classifyAll(String)}, reading the text as a session with {@code context} would. The text is
     * already decoded, so the context's character set matters only where a statement in the text changes it. The
     * default ignores the context, for classifiers whose dialect has no such settings.
     */
    default List<Classification> classifyAll(String sql, ParseContext context) {
        requireNonNull(context, "context is null");
        return classifyAll(sql);
    }

    /**
     * Splits and classifies the bytes of a query text, encoded in the context's character set, from the buffer's
     * position to its limit (the buffer's position is not moved). Positions in the result are byte offsets from the
     * buffer's position. The default decodes the bytes with the Java charset of the same name (UTF-8 when there is
     * none) and classifies the text, so its positions are character offsets in the decoded text.
     */
    default List<Classification> classifyAll(ByteBuffer sql, ParseContext context) {
        requireNonNull(sql, "sql is null");
        requireNonNull(context, "context is null");
        Charset charset;
        try {
            charset = Charset.forName(context.characterSet());
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            charset = StandardCharsets.UTF_8;
        }
        return classifyAll(charset.decode(sql.duplicate()).toString(), context);
    }

    /** Classifies a query text as a whole; for several statements, see {@link Classification#combine}. */
    default Classification classify(String sql) {
        return Classification.combine(classifyAll(sql));
    }

    /** Classifies a query text as a whole, read in {@code context}. */
    default Classification classify(String sql, ParseContext context) {
        return Classification.combine(classifyAll(sql, context));
    }

    /** Classifies the bytes of a query text as a whole, read in {@code context}. */
    default Classification classify(ByteBuffer sql, ParseContext context) {
        return Classification.combine(classifyAll(sql, context));
    }
}

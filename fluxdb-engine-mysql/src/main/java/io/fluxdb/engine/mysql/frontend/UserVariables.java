package io.fluxdb.engine.mysql.frontend;

import io.fluxdb.engine.spi.Classification;
import io.fluxdb.engine.spi.Determinism;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The user variables a write may read, whose values the leader reads before it runs the write so that every node
 * replays the values rather than the expressions that produced them ({@code SET @id = UUID()} must not run UUID()
 * again on every node). Reading more variables than the statement uses costs nothing but a column; missing one
 * would let a node replay another value, so the scan takes every {@code @name} in the text, string literals
 * included.
 */
final class UserVariables {
    private UserVariables() {}

    private static final Pattern NAME = Pattern.compile(
            "(?<!@)@(?:`((?:[^`]|``)+)`|'((?:[^'\\\\]|''|\\\\.)+)'|\"((?:[^\"\\\\]|\"\"|\\\\.)+)\"|([A-Za-z0-9_$.]+))");

    static List<String> read(String sql, Classification c) {
        if (!c.determinism().contains(Determinism.USER_VARIABLES)) {
            return List.of();
        }
        Set<String> names = new LinkedHashSet<>();
        Matcher m = NAME.matcher(sql);
        while (m.find()) {
            String name;
            if (m.group(1) != null) {
                name = m.group(1).replace("``", "`");
            } else if (m.group(2) != null) {
                name = m.group(2).replace("''", "'");
            } else if (m.group(3) != null) {
                name = m.group(3).replace("\"\"", "\"");
            } else {
                name = m.group(4);
            }
            names.add(name.toLowerCase(Locale.ROOT));
        }
        return new ArrayList<>(names);
    }
}

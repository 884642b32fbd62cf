package dev.courier.store.jdbc.internal;

import java.util.regex.Pattern;

/** Checks configured table names: they go into SQL text, so only plain identifiers are accepted. */
public final class TableName {
    /** Short enough that the name plus an index suffix stays within every supported database's limit. */
    public static final int MAX_LENGTH = 48;
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private TableName() {}

    public static String check(String what, String name) {
        if (name == null || !IDENTIFIER.matcher(name).matches() || name.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(what + " must be a plain identifier (letters, digits, _; not starting"
                    + " with a digit; at most " + MAX_LENGTH + " characters) but was '" + name + "'");
        }
        return name;
    }
}

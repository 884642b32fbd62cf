package dev.courier.mapping;

/**
 * Limits on JSON read from messages, tighter than Jackson's defaults, because message bodies come from other
 * processes. A body over a limit fails mapping and is dead-lettered.
 *
 * @param maxNestingDepth     deepest nesting of objects and arrays
 * @param maxStringLength     longest string value, in characters
 * @param maxDocumentLength   longest body, in bytes
 * @param maxNumberLength     longest number literal, in characters
 * @param maxNameLength       longest property name, in characters
 */
public record JsonLimits(
        int maxNestingDepth, int maxStringLength, long maxDocumentLength, int maxNumberLength, int maxNameLength) {

    /** 64 levels, 1 MiB strings, 4 MiB documents, 100-character numbers, 256-character names. */
    public static final JsonLimits DEFAULT = new JsonLimits(64, 1 << 20, 4L << 20, 100, 256);

    public JsonLimits {
        positive(maxNestingDepth, "maxNestingDepth");
        positive(maxStringLength, "maxStringLength");
        positive(maxDocumentLength, "maxDocumentLength");
        positive(maxNumberLength, "maxNumberLength");
        positive(maxNameLength, "maxNameLength");
    }

    private static void positive(long value, String what) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive but was " + value);
        }
    }
}

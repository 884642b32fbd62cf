package dev.courier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the tool never prints: passwords in URIs, and header values or JSON fields whose names say they hold a
 * credential ({@code password}, {@code secret}, {@code token}, {@code authorization}, {@code api-key},
 * {@code cookie}, {@code credential}...), shown as {@value #MASK}.
 */
final class Redaction {
    static final String MASK = "****";
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(pass(word|wd)?|secret|token|authori[sz]ation|api[-_]?key|cookie|credential|private[-_]?key).*");
    private static final Pattern URI_USER_INFO = Pattern.compile("(?i)([a-z][a-z0-9+.-]*://[^:/@\\s]*):[^@\\s]*@");
    private static final Pattern JDBC_PASSWORD = Pattern.compile("(?i)(password=)[^&;\\s]*");

    private Redaction() {}

    static boolean isSecret(String name) {
        return SECRET_NAME.matcher(name).matches();
    }

    /** The text with any {@code scheme://user:password@} and {@code password=...} masked. */
    static String maskUris(String text) {
        String masked = URI_USER_INFO.matcher(text).replaceAll("$1:" + MASK + "@");
        return JDBC_PASSWORD.matcher(masked).replaceAll("$1" + MASK);
    }

    /** A header value as it may be shown. */
    static String header(String name, String value) {
        return isSecret(name) ? MASK : maskUris(value);
    }

    /** Masks, in place and at any depth, the fields of {@code node} whose names say they are credentials. */
    static JsonNode json(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (isSecret(field.getKey()) && field.getValue().isValueNode()) {
                    field.setValue(object.textNode(MASK));
                } else {
                    json(field.getValue());
                }
            }
        } else if (node != null && node.isArray()) {
            node.forEach(Redaction::json);
        }
        return node;
    }
}

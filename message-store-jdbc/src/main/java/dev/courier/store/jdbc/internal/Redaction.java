package dev.courier.store.jdbc.internal;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/** Removes passwords from JDBC URLs and from texts that may quote them. */
public final class Redaction {
    /**
     * A password parameter, its value running to the separator that opened it: after {@code ?} or {@code &} (a URL
     * query, PostgreSQL and MariaDB) to the next {@code &}, after {@code ;} (H2, SQL Server) to the next {@code ;},
     * after {@code (} (MariaDB's address form) to the next {@code )}. A {@code ;} or {@code )} inside a query-style
     * password is therefore redacted with it, never left showing.
     */
    private static final List<Pattern> PASSWORD_PARAMETERS = List.of(
            Pattern.compile("(?i)([?&]\\s*(?:password|passwd|pwd)\\s*=\\s*)([^&]*)"),
            Pattern.compile("(?i)(;\\s*(?:password|passwd|pwd)\\s*=\\s*)([^;]*)"),
            Pattern.compile("(?i)(\\(\\s*(?:password|passwd|pwd)\\s*=\\s*)([^)]*)"));
    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@?;]*:)([^@/]*)(@)");

    private Redaction() {}

    /** The URL with every password replaced by {@code ***}. */
    public static String url(String url) {
        if (url == null) {
            return null;
        }
        String redacted = url;
        for (Pattern pattern : PASSWORD_PARAMETERS) {
            redacted = pattern.matcher(redacted).replaceAll("$1***");
        }
        return USER_INFO.matcher(redacted).replaceAll("$1***$3");
    }

    /** The passwords that {@code url} contains, so that other texts can be cleaned of them. */
    public static List<String> secrets(String url) {
        List<String> secrets = new ArrayList<>();
        if (url == null) {
            return secrets;
        }
        List<Pattern> patterns = new ArrayList<>(PASSWORD_PARAMETERS);
        patterns.add(USER_INFO);
        for (Pattern pattern : patterns) {
            Matcher matcher = pattern.matcher(url);
            while (matcher.find()) {
                if (!matcher.group(2).isEmpty()) {
                    secrets.add(matcher.group(2));
                }
            }
        }
        return secrets;
    }

    /** {@code text} with each secret replaced by {@code ***}. */
    public static String text(String text, List<String> secrets) {
        String result = String.valueOf(text);
        List<String> longestFirst = new ArrayList<>(secrets);
        longestFirst.sort((a, b) -> b.length() - a.length());     // a secret inside another goes after it
        for (String secret : longestFirst) {
            result = result.replace(secret, "***");
        }
        return result;
    }

    /**
     * The URL a data source is configured with, as far as it tells (HikariCP, and the PostgreSQL, MariaDB and H2
     * data sources have a public getter for it), or null. Read reflectively to stay free of those libraries.
     */
    public static String configuredUrl(DataSource dataSource) {
        for (String getter : List.of("getJdbcUrl", "getUrl", "getURL")) {
            try {
                Method method = dataSource.getClass().getMethod(getter);
                Object url = method.invoke(dataSource);
                if (url instanceof String text && !text.isBlank()) {
                    return text;
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                // not this getter; try the next
            }
        }
        return null;
    }
}

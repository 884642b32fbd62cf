package dev.courier.transport.rabbitmq;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a {@link RabbitMqConfig} connects: an {@code amqp://} or {@code amqps://} URI taken apart, or the parts given
 * to {@link RabbitMqConfigBuilder#address}. Parsed here rather than by {@code ConnectionFactory.setUri}, because that
 * method switches an {@code amqps} URI to a trust-everything TLS setup. {@link #toString()} masks the password.
 */
public record AmqpAddress(boolean tls, String host, int port, String virtualHost, String username, String password) {

    public AmqpAddress {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(virtualHost, "virtualHost");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535 but was " + port);
        }
    }

    /**
     * Parses a URI that may name several nodes of a cluster, {@code amqp://user:pass@h1:5672,h2:5672,h3/vhost}: one
     * address per node, all with the same scheme, credentials and virtual host. Error messages never contain the
     * password.
     */
    static List<AmqpAddress> parseAll(String uri) {
        Objects.requireNonNull(uri, "uri");
        int start = uri.indexOf("://");
        if (start < 0) {
            return List.of(parse(uri));
        }
        start += 3;
        int end = start;
        while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
            end++;
        }
        String authority = uri.substring(start, end);
        int at = authority.lastIndexOf('@');
        String hosts = authority.substring(at + 1);
        if (!hosts.contains(",")) {
            return List.of(parse(uri));
        }
        List<AmqpAddress> nodes = new ArrayList<>();
        for (String host : hosts.split(",", -1)) {
            if (host.isBlank()) {
                throw new IllegalArgumentException("AMQP URI has an empty entry in its list of hosts: " + mask(uri));
            }
            nodes.add(parse(uri.substring(0, start) + authority.substring(0, at + 1) + host.trim()
                    + uri.substring(end)));
        }
        return List.copyOf(nodes);
    }

    /** Parses a URI of one node; error messages never contain the password. */
    static AmqpAddress parse(String uri) {
        Objects.requireNonNull(uri, "uri");
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Not a valid AMQP URI: " + mask(uri));
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("amqp") && !scheme.equals("amqps")) {
            throw new IllegalArgumentException("AMQP URI must start with amqp:// or amqps:// but was " + mask(uri));
        }
        boolean tls = scheme.equals("amqps");
        if (parsed.getRawQuery() != null) {
            // The client's setUri would read some of them; Courier does not parse them, so refuse rather than ignore.
            String names = String.join(", ", java.util.Arrays.stream(parsed.getRawQuery().split("&"))
                    .map(pair -> pair.split("=", 2)[0]).toList());
            throw new IllegalArgumentException("AMQP URI query parameters are not read (" + names + "): set "
                    + "heartbeat, connectionTimeout and the like on RabbitMqConfig.builder(), or anything else on the "
                    + "client's ConnectionFactory with connectionFactory(customizer): " + mask(uri));
        }
        if (parsed.getHost() == null || parsed.getHost().isBlank()) {
            throw new IllegalArgumentException("AMQP URI has no host: " + mask(uri));
        }
        int port = parsed.getPort() < 0 ? (tls ? 5671 : 5672) : parsed.getPort();
        String username = "guest";
        String password = "guest";
        String userInfo = parsed.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            username = decode(colon < 0 ? userInfo : userInfo.substring(0, colon), "user name", uri);
            password = colon < 0 ? "" : decode(userInfo.substring(colon + 1), "password", uri);
        }
        String path = parsed.getRawPath();
        String rawVhost = path == null || path.isEmpty() ? "" : path.substring(1);
        String vhost = rawVhost.isEmpty() ? "/" : decode(rawVhost, "virtual host", uri);
        if (rawVhost.contains("/")) {
            throw new IllegalArgumentException("AMQP URI path must be one segment (the virtual host, with '/' as "
                    + "%2F): " + mask(uri));
        }
        return new AmqpAddress(tls, parsed.getHost(), port, vhost, username, password);
    }

    /**
     * The URI with any password replaced by {@code ****}; safe for logs and messages, whatever the input. A well-formed
     * {@code amqp://user:password@host} keeps its user name; in anything else (a missing or mistyped {@code ://}, no
     * scheme at all) everything before the last {@code @} but a leading scheme is masked, user name included: where
     * the parts cannot be told apart, none of them is shown.
     */
    static String mask(String uri) {
        if (uri == null) {
            return "null";
        }
        Matcher wellFormed = WELL_FORMED_USER_INFO.matcher(uri);
        if (wellFormed.find()) {
            return wellFormed.group(1) + wellFormed.group(2) + ":****@" + uri.substring(wellFormed.end());
        }
        int at = uri.lastIndexOf('@');
        if (at < 0) {
            return uri;
        }
        Matcher scheme = LEADING_SCHEME.matcher(uri.substring(0, at));
        return (scheme.find() ? scheme.group() : "") + "****" + uri.substring(at);
    }

    /** {@code amqp://user:password@}: the scheme, then a user name without {@code : / @}, then the password. */
    private static final Pattern WELL_FORMED_USER_INFO = Pattern.compile("^(?i)(amqps?://)([^:/@]*):[^@]*@");
    private static final Pattern LEADING_SCHEME = Pattern.compile("^(?i)amqps?[:/]*");

    /** Decodes %-escapes; a malformed one is named by {@code part}, not quoted (the decoder's message would be). */
    private static String decode(String text, String part, String uri) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("AMQP URI has a malformed %-escape in its " + part + " (write '%' as "
                    + "%25): " + mask(uri));
        }
    }

    /** The same address on another node ({@code host}, {@code port}). */
    AmqpAddress onNode(String host, int port) {
        return new AmqpAddress(tls, host, port, virtualHost, username, password);
    }

    @Override
    public String toString() {
        String vhost = virtualHost.equals("/") ? "%2F" : virtualHost;
        return (tls ? "amqps" : "amqp") + "://" + username + ":****@" + host + ":" + port + "/" + vhost;
    }
}

package dev.courier.reliability;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.courier.Producers;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.spi.ChannelSpec;
import dev.courier.store.jdbc.JdbcOutbox;
import dev.courier.transport.rabbitmq.RabbitMqConfig;
import dev.courier.transport.rabbitmq.RabbitMqTransport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.UUID;

/**
 * The process scenario 9 runs with slf4j-simple at TRACE: it uses URIs and JDBC URLs that carry a password in every
 * way that can fail (malformed, refused, wrong credentials) and in one that works, and prints, for each case, every
 * exception of the chain (causes and suppressed: toString, message, stack trace) and the toString of the objects
 * built. The test then looks for the password in everything this process wrote. Arguments: {@code password
 * closedPort goodRabbitUser exchange outboxTable}.
 */
public final class CredentialsProbe {
    private CredentialsProbe() {}

    public static void main(String[] args) {
        String password = args[0];
        int closedPort = Integer.parseInt(args[1]);
        String rabbitUser = args[2];
        String exchange = args[3];
        String table = args[4];
        String host = "127.0.0.1";

        amqp("amqp-malformed-path", "amqp://guest:" + password + "@" + host + ":5672/a/b", exchange);
        amqp("amqp-malformed-port", "amqp://guest:" + password + "@" + host + ":notaport/", exchange);
        amqp("amqp-malformed-host", "amqp://guest:" + password + "@bad host/", exchange);
        amqp("amqp-malformed-escape", "amqp://guest:" + password + "%zz@" + host + "/", exchange);
        amqp("amqp-malformed-scheme", "http://guest:" + password + "@" + host + "/", exchange);
        amqp("amqp-refused", "amqp://guest:" + password + "@" + host + ":" + closedPort + "/", exchange);
        amqp("amqp-wrong-password", "amqp://guest:" + password + "@" + host + ":5672/", exchange);
        amqp("amqp-works", "amqp://" + rabbitUser + ":" + password + "@" + host + ":5672/", exchange);

        jdbc("jdbc-malformed-port", "jdbc:postgresql://" + host + ":notaport/test?user=postgres&password="
                + password, table);
        jdbc("jdbc-refused", "jdbc:postgresql://" + host + ":" + closedPort + "/test?user=postgres&password="
                + password, table);
        jdbc("jdbc-unknown-role", "jdbc:postgresql://" + host + ":5432/test?user=courier_no_such_role&password="
                + password, table);
        jdbc("jdbc-works", "jdbc:postgresql://" + host + ":5432/test?user=postgres&password=" + password, table);
        System.out.println("PROBE DONE");
        System.out.flush();
        System.exit(0);
    }

    /** Failing cases fail fast; the working ones get room for a loaded machine. */
    private static Duration timeout(String name) {
        return name.endsWith("-works") ? Duration.ofSeconds(20) : Duration.ofSeconds(3);
    }

    private static void amqp(String name, String uri, String exchange) {
        try {
            RabbitMqConfig config = RabbitMqConfig.builder().uri(uri).exchange(exchange)
                    .connectionName("courier-credentials-probe").connectionTimeout(timeout(name)).build();
            System.out.println("CONFIG " + config);
            try (RabbitMqTransport transport = RabbitMqTransport.connect(config)) {
                System.out.println("TRANSPORT " + transport);
                String topic = exchange + ".probe";
                transport.declareChannel(ChannelSpec.of(topic));
                try (CommandProcessor processor = CommandProcessor.builder()
                        .mappers(new MessageMappers().json(Work.class, topic))
                        .producers(Producers.of(transport.producer())).build()) {
                    processor.post(new Work(UUID.randomUUID(), 1));
                    System.out.println("PRODUCER " + transport.producer());
                }
            }
            System.out.println("CASE " + name + " ok");
        } catch (RuntimeException e) {
            System.out.println("CASE " + name + " failed " + e.getClass().getName());
            dump(e);
        }
    }

    private static void jdbc(String name, String url, String table) {
        HikariConfig config = new HikariConfig();
        try {
            config.setJdbcUrl(url);
            config.setConnectionTimeout(timeout(name).toMillis());
            config.setInitializationFailTimeout(-1);
            config.setMaximumPoolSize(2);
            try (HikariDataSource pool = new HikariDataSource(config)) {
                JdbcOutbox outbox = JdbcOutbox.builder(pool).table(table).createTables(true).build();
                System.out.println("OUTBOX " + outbox + " outstanding " + outbox.outstandingCount());
            }
            System.out.println("CASE " + name + " ok");
        } catch (RuntimeException e) {
            System.out.println("CASE " + name + " failed " + e.getClass().getName());
            dump(e);
        }
    }

    /** Every throwable reachable through causes and suppressed ones: toString, message, stack trace. */
    private static void dump(Throwable top) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        walk(top, seen);
        StringWriter trace = new StringWriter();
        top.printStackTrace(new PrintWriter(trace));
        System.out.println(trace);
    }

    private static void walk(Throwable t, Set<Throwable> seen) {
        if (t == null || !seen.add(t)) {
            return;
        }
        System.out.println("  THROWABLE " + t + " | message " + t.getMessage() + " | localized "
                + t.getLocalizedMessage());
        walk(t.getCause(), seen);
        for (Throwable suppressed : t.getSuppressed()) {
            walk(suppressed, seen);
        }
    }
}

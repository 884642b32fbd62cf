package dev.courier.reliability;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.courier.Producers;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.OutboxSweeper;
import dev.courier.spi.ChannelSpec;
import dev.courier.store.jdbc.JdbcOutbox;
import dev.courier.transport.rabbitmq.RabbitMqConfig;
import dev.courier.transport.rabbitmq.RabbitMqConfigBuilder;
import dev.courier.transport.rabbitmq.RabbitMqProducer;
import dev.courier.transport.rabbitmq.RabbitMqTransport;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;

/**
 * One run's system: unique names (exchange, topic, tables), a posting side (JDBC outbox on PostgreSQL, a RabbitMQ
 * producer, a processor and a sweeper) and the options for consumer processes. {@link #close()} removes everything
 * it created.
 */
final class Rig implements AutoCloseable {
    final String prefix = "rel_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    final String exchange = prefix + "_x";
    final String topic = prefix + ".work";
    final HandlingLog handled = new HandlingLog(prefix + "_handled");
    final String outboxTable = prefix + "_outbox";
    final String inboxTable = prefix + "_inbox";
    final HikariDataSource pool;
    final RabbitMqTransport transport;
    final RabbitMqProducer producer;
    final JdbcOutbox outbox;
    final CommandProcessor processor;
    private OutboxSweeper sweeper;

    Rig() {
        this(Services.RABBITMQ_URI, Duration.ofSeconds(60));
    }

    /** A rig whose posting side (processor and sweeper) reaches RabbitMQ at {@code uri}, for example a proxy. */
    Rig(String uri, Duration heartbeat) {
        this(uri, heartbeat, b -> b);
    }

    /** A rig on {@code uri} whose transport settings {@code settings} adjusts (a cluster's quorum queues). */
    Rig(String uri, Duration heartbeat, UnaryOperator<RabbitMqConfigBuilder> settings) {
        Services.require();
        handled.create();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(Services.POSTGRES_URL);
        config.setMaximumPoolSize(8);
        config.setConnectionTimeout(3000);
        config.setInitializationFailTimeout(-1);
        pool = new HikariDataSource(config);
        outbox = JdbcOutbox.builder(pool).table(outboxTable).createTables(true).build();
        transport = RabbitMqTransport.connect(settings.apply(RabbitMqConfig.builder().uri(uri).exchange(exchange)
                .connectionName(prefix + "-poster").recoveryInterval(Duration.ofSeconds(1)).heartbeat(heartbeat)
                .confirmTimeout(Duration.ofSeconds(10))).build());
        transport.declareChannel(ChannelSpec.of(topic));
        producer = transport.producer();
        processor = CommandProcessor.builder().mappers(mappers()).producers(Producers.of(producer)).outbox(outbox)
                .confirmTimeout(Duration.ofSeconds(10)).build();
    }

    MessageMappers mappers() {
        return new MessageMappers().json(Work.class, topic);
    }

    Subscription.Builder subscription() {
        return Subscription.builder(topic, Work.class).transport(transport);
    }

    /** Starts a sweeper over the outbox: every 200 ms, messages older than {@code minAge}. */
    OutboxSweeper startSweeper(Duration minAge) {
        // 4 batches in flight (not the default 8): the scenarios' duplicate bounds count them
        sweeper = OutboxSweeper.builder(outbox, Producers.of(producer)).minAge(minAge).batchSize(500)
                .maxBatchesInFlight(4).interval(Duration.ofMillis(200)).lease(Duration.ofSeconds(15))
                .confirmTimeout(Duration.ofSeconds(10)).build().start();
        return sweeper;
    }

    /** Options for a {@link ConsumerNode}; change or add entries before {@link Node#start}. */
    Map<String, String> nodeOptions(String name) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("uri", Services.RABBITMQ_URI);
        options.put("exchange", exchange);
        options.put("topic", topic);
        options.put("db", Services.POSTGRES_URL);
        options.put("handled", handled.table());
        options.put("name", prefix + "-" + name);
        return options;
    }

    /** Every message id the outbox holds (committed), with whether it is marked dispatched; null while PG is down. */
    Map<UUID, Boolean> outboxRows() {
        Map<UUID, Boolean> rows = new HashMap<>();
        try (Connection c = DriverManager.getConnection(Services.POSTGRES_URL); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT message_id, dispatched_at IS NOT NULL FROM " + outboxTable)) {
            while (r.next()) {
                rows.put(r.getObject(1, UUID.class), r.getBoolean(2));
            }
        } catch (SQLException e) {
            return null;
        }
        return rows;
    }

    long outstanding() {
        try {
            return outbox.outstandingCount();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Polls until the outbox is empty and {@code expected} distinct messages were handled; says where it stuck. */
    void awaitDrain(int expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!(outstanding() == 0 && handled.distinct() >= expected)) {
            if (System.nanoTime() > deadline) {
                String queue;
                try {
                    long[] counts = Services.queueCounts(topic);
                    queue = "queue ready " + counts[0] + " unacked " + counts[1];
                } catch (AssertionError e) {
                    queue = "queue not on the broker at " + Services.RABBITMQ_URI + " (a cluster's?)";
                }
                throw new AssertionError("no full drain within " + timeout + ": outbox outstanding " + outstanding()
                        + ", handled " + handled.distinct() + " of " + expected + ", " + queue);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(100_000_000); // poll interval
        }
    }

    long deadLetters() {
        return Services.queueCounts(RabbitMqTransport.deadLetterQueue(topic))[0];
    }

    /** Ids in {@code expected} that were never handled. */
    Set<UUID> lost(Set<UUID> expected, Map<UUID, Integer> handlings) {
        Set<UUID> lost = new HashSet<>(expected);
        lost.removeAll(handlings.keySet());
        return lost;
    }

    static long duplicates(Map<UUID, Integer> handlings) {
        return handlings.values().stream().mapToLong(n -> n - 1).sum();
    }

    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.close();
        }
        try {
            processor.close();
            producer.close();
            transport.close();
        } catch (RuntimeException e) {
            // closing after an outage may fail; the broker drops the connection anyway
        }
        pool.close();
        handled.drop();
        try (Connection c = DriverManager.getConnection(Services.POSTGRES_URL); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + outboxTable);
            s.execute("DROP TABLE IF EXISTS " + inboxTable);
        } catch (SQLException e) {
            throw new IllegalStateException("cleanup of " + prefix, e);
        }
        Services.deleteQueuesAndExchanges(prefix, RabbitMqTransport.declaredExchanges(exchange).toArray(String[]::new));
    }
}

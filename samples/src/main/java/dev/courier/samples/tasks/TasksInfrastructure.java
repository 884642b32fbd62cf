package dev.courier.samples.tasks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.courier.spi.Transport;
import dev.courier.spi.MessageProducer;
import dev.courier.transport.inmemory.InMemoryBroker;
import dev.courier.transport.inmemory.InMemoryTransport;
import dev.courier.transport.rabbitmq.RabbitMqConfig;
import dev.courier.transport.rabbitmq.RabbitMqTransport;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * What the tasks sample runs on: a transport (a producer for the API, a channel factory for the consumer) and a
 * database. The application code takes these and does not know which ones it got; that is also how its tests swap
 * in the in-memory transport.
 */
public final class TasksInfrastructure implements AutoCloseable {
    private final MessageProducer producer;
    private final Transport transport;
    private final DataSource dataSource;
    private final String description;
    private final List<AutoCloseable> resources;

    public TasksInfrastructure(MessageProducer producer, Transport transport, DataSource dataSource,
            String description, List<AutoCloseable> resources) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.description = Objects.requireNonNull(description, "description");
        this.resources = List.copyOf(resources);
    }

    /** The in-process broker {@code broker} and a fresh in-memory H2 database. */
    public static TasksInfrastructure embedded(InMemoryBroker broker) {
        InMemoryTransport transport = InMemoryTransport.over(broker);
        // Keep what the API posts before the consumer's pumps have connected.
        broker.declareChannel(TaskReminder.TOPIC, TaskReminder.TOPIC);
        HikariDataSource h2 = pool("jdbc:h2:mem:tasks-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", 4);
        MessageProducer producer = transport.producer();
        return new TasksInfrastructure(producer, transport, h2, "in-memory transport + H2 (in this JVM)",
                List.of(producer, h2));
    }

    /** RabbitMQ at {@code config.rabbitMqUri()} and PostgreSQL at {@code config.postgresUrl()}. */
    public static TasksInfrastructure external(TasksConfig config, ReminderSettings settings) {
        return external(RabbitMqConfig.of(config.rabbitMqUri()), config.postgresUrl(), settings);
    }

    /** RabbitMQ as {@code rabbitConfig} says (e.g. another exchange) and PostgreSQL at {@code postgresUrl}. */
    public static TasksInfrastructure external(RabbitMqConfig rabbitConfig, String postgresUrl,
            ReminderSettings settings) {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            RabbitMqTransport rabbit = RabbitMqTransport.connect(rabbitConfig);
            opened.add(rabbit);
            // Declared on both sides, so that whichever process starts first, a posted reminder has a queue.
            rabbit.declareChannel(settings.subscription(rabbit).channelSpec());
            MessageProducer producer = rabbit.producer();
            opened.add(0, producer);
            HikariDataSource postgres = pool(postgresUrl, 8);
            opened.add(postgres);
            return new TasksInfrastructure(producer, rabbit, postgres,
                    "RabbitMQ " + rabbit.config().address() + " + PostgreSQL", opened);
        } catch (RuntimeException e) {
            closeAll(opened, e);
            throw e;
        }
    }

    private static HikariDataSource pool(String url, int size) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(url);
        hikari.setMaximumPoolSize(size);
        hikari.setPoolName("tasks");
        return new HikariDataSource(hikari);
    }

    public MessageProducer producer() {
        return producer;
    }

    public Transport transport() {
        return transport;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** For start-up messages; never contains a password. */
    public String description() {
        return description;
    }

    @Override
    public void close() {
        closeAll(resources, null);
    }

    private static void closeAll(List<AutoCloseable> resources, RuntimeException failure) {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                if (failure != null) {
                    failure.addSuppressed(e);
                }
            }
        }
    }
}

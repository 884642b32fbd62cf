package dev.courier.samples.docs.scratch;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.zaxxer.hikari.HikariDataSource;
import dev.courier.test.Await;
import dev.courier.test.TestServices;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
// snippet scratch-imports
import dev.courier.Command;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.HandlerRegistry;
import dev.courier.runtime.OutboxSweeper;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.RequestHandler;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.spi.ChannelSpec;
import dev.courier.steps.RequestLogging;
import dev.courier.store.jdbc.JdbcOutbox;
import dev.courier.transport.inmemory.InMemoryTransport;
import dev.courier.transport.rabbitmq.RabbitMqConfig;
import dev.courier.transport.rabbitmq.RabbitMqTransport;
// end scratch-imports

/**
 * docs/from-scratch.md, compiled and run: the in-memory part always, the RabbitMQ and PostgreSQL part against the
 * real servers ({@code COURIER_RABBITMQ_URI}, {@code COURIER_POSTGRES_URL}). {@code DocSnippetsTest} checks that the
 * page shows exactly the marked regions of this file.
 */
class FromScratchTest {
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private PrintStream original;

    @BeforeEach
    void capturePrinting() {
        original = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restorePrinting() {
        System.setOut(original);
    }

    private List<String> resized() {
        return printed.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("resizing ")).toList();
    }

    // snippet scratch-handler
    public record ResizeImage(UUID id, String imageId, int width) implements Command {}

    public static final class ResizeImageHandler implements RequestHandler<ResizeImage> {
        @RequestLogging(step = 1)
        @Override
        public void handle(ResizeImage command) {
            System.out.println("resizing " + command.imageId() + " to " + command.width() + " px");
        }
    }
    // end scratch-handler

    @Test
    void theInMemoryWiringSendsAndPosts() {
        // snippet scratch-inmemory
        InMemoryTransport transport = InMemoryTransport.create();
        CommandProcessor processor = CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(ResizeImage.class, new ResizeImageHandler()))
                .mappers(new MessageMappers().json(ResizeImage.class, "images.resize"))
                .producers(Producers.of(transport))
                .build();
        Dispatcher dispatcher = Dispatcher.builder()
                .processor(processor)
                .subscription(Subscription.builder("images.resize", ResizeImage.class).transport(transport).build())
                .build()
                .start();

        processor.send(new ResizeImage(Request.newId(), "cat.png", 640));  // runs now, on this thread
        processor.post(new ResizeImage(Request.newId(), "dog.png", 320));  // a pump thread runs it
        // end scratch-inmemory
        transport.broker().awaitAcknowledged("images.resize", 1, Duration.ofSeconds(10));
        // snippet scratch-inmemory
        dispatcher.stop(Duration.ofSeconds(10));   // stop taking messages; finish the ones in hand
        processor.close();
        transport.close();
        // end scratch-inmemory
        assertThat(resized()).containsExactly("resizing cat.png to 640 px", "resizing dog.png to 320 px");
    }

    @Test
    void theRabbitMqAndPostgresWiringPostsThroughTheOutbox() throws Exception {
        TestServices.requireRabbitMqAndPostgres();
        String rabbitUri = TestServices.RABBITMQ_URI;
        String postgresUrl = TestServices.POSTGRES_URL;
        String table = "scratch_outbox_" + UUID.randomUUID().toString().substring(0, 8);
        String topic = "scratch.images." + UUID.randomUUID().toString().substring(0, 8);
        // snippet scratch-rabbit
        RabbitMqTransport rabbit = RabbitMqTransport.connect(RabbitMqConfig.builder().uri(rabbitUri).build());
        HikariDataSource database = new HikariDataSource();
        database.setJdbcUrl(postgresUrl);
        JdbcOutbox outbox = JdbcOutbox.builder(database).table(table).createTables(true).build();

        // The posting side declares the channel it posts to: a message sent before any consumer
        // started is then kept in its queue instead of being refused as unroutable.
        rabbit.declareChannel(ChannelSpec.of(topic));

        CommandProcessor processor = CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(ResizeImage.class, new ResizeImageHandler()))
                .mappers(new MessageMappers().json(ResizeImage.class, topic))
                .producers(Producers.of(rabbit))
                .outbox(outbox)
                .build();
        OutboxSweeper sweeper = OutboxSweeper.builder(outbox, Producers.of(rabbit)).build().start();
        Dispatcher dispatcher = Dispatcher.builder()
                .processor(processor)
                .subscription(Subscription.builder(topic, ResizeImage.class).transport(rabbit).performers(2).build())
                .build()
                .start();

        processor.post(new ResizeImage(Request.newId(), "bird.png", 128));
        // end scratch-rabbit
        Await.until(Duration.ofSeconds(20), "bird.png handled", () -> !resized().isEmpty());
        // snippet scratch-rabbit
        // Close in the reverse order of making: consumers first, the connection and the pool last.
        dispatcher.stop(Duration.ofSeconds(20));
        sweeper.close();
        processor.close();
        rabbit.close();
        database.close();
        // end scratch-rabbit
        assertThat(resized()).containsExactly("resizing bird.png to 128 px");
        removeWhatTheTestMade(topic, table);
    }

    private static void removeWhatTheTestMade(String queue, String table) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(TestServices.RABBITMQ_URI);
        try (Connection connection = factory.newConnection(); Channel amqp = connection.createChannel()) {
            amqp.queueDelete(queue);
            amqp.queueDelete(RabbitMqTransport.deadLetterQueue(queue));
        }
        try (java.sql.Connection db = DriverManager.getConnection(TestServices.POSTGRES_URL);
                Statement sql = db.createStatement()) {
            sql.execute("DROP TABLE " + table);
        }
    }
}

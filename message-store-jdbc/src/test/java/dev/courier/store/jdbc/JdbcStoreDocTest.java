package dev.courier.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.courier.Event;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.mapping.MessageMappers;
import dev.courier.mapping.Topic;
import dev.courier.runtime.CommandProcessor;
import dev.courier.test.RecordingProducer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Runs the opening snippet of docs/jdbc-store.md; keep the two in step. */
class JdbcStoreDocTest {
    @Topic("order.placed")
    public record OrderPlaced(UUID id, String customer, long amountCents) implements Event {}

    @Test
    void theOpeningSnippetStoresTheOrderAndItsMessageInOneTransaction() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:shop;DB_CLOSE_DELAY=-1");
        try (HikariDataSource dataSource = new HikariDataSource(config)) {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE orders (id UUID PRIMARY KEY, customer VARCHAR(100), amount BIGINT)");
            }
            RecordingProducer broker = new RecordingProducer();
            UUID id = snippet(dataSource, Producers.of(broker));

            JdbcOutbox outbox = JdbcOutbox.builder(dataSource).build();
            assertThat(outbox.get(id)).hasValueSatisfying(m -> assertThat(m.topic()).isEqualTo("order.placed"));
            assertThat(outbox.outstandingCount()).as("deposited, not yet sent").isEqualTo(1);
            assertThat(broker.sent()).isEmpty();
        }
    }

    private static UUID snippet(HikariDataSource dataSource, Producers producers) throws Exception {
        // --- begin snippet (docs/jdbc-store.md)
        JdbcOutbox outbox = JdbcOutbox.builder(dataSource)
                .createTables(true)      // or apply dev/courier/store/jdbc/<dialect>.sql yourself
                .build();                // connects and checks the table now, not on the first message
        JdbcInbox inbox = JdbcInbox.builder(dataSource).createTables(true).build();

        OrderPlaced placed = new OrderPlaced(Request.newId(), "ada", 1999);
        try (CommandProcessor processor = CommandProcessor.builder()
                        .mappers(new MessageMappers().json(OrderPlaced.class))
                        .producers(producers)
                        .outbox(outbox)
                        .inbox(inbox)
                        .build();
                Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO orders (id, customer, amount) VALUES (?, ?, ?)")) {
                insert.setObject(1, placed.id());
                insert.setString(2, placed.customer());
                insert.setLong(3, placed.amountCents());
                insert.executeUpdate();
            }
            processor.depositPost(List.of(placed), JdbcTransaction.of(connection)); // same transaction
            connection.commit();   // the order and its message, or (on rollback) neither
        }
        // --- end snippet
        return placed.id();
    }
}

package dev.courier.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.OutboxException;
import dev.courier.test.SettableClock;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.spi.OutboxTransaction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The bound across two outbox instances on one table: exact once counted, lagging by the recount interval. */
class OutboxBoundTest {
    private final SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));

    private static List<Message> messages(int count) {
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            messages.add(new Message(MessageHeader.builder(UUID.randomUUID(), "bound", MessageType.EVENT).build(),
                    MessageBody.EMPTY));
        }
        return messages;
    }

    @Test
    void anotherInstancesAddsCountOnceTheRecountIntervalHasPassed() {
        TestDatabase database = TestDatabase.h2();
        String table = database.uniqueTable("outbox_bound");
        JdbcOutbox.Builder builder = JdbcOutbox.builder(database.dataSource()).table(table).clock(clock)
                .maxOutstanding(5).recountInterval(Duration.ofSeconds(5)).createTables(true);
        JdbcOutbox first = builder.build();
        JdbcOutbox second = builder.build();

        first.add(messages(3), OutboxTransaction.NONE);
        assertThatThrownBy(() -> second.add(messages(3), OutboxTransaction.NONE))
                .isInstanceOf(OutboxException.class)
                .hasMessageContaining("outbox full: 3 outstanding, limit 5");
        second.add(messages(2), OutboxTransaction.NONE);

        first.add(messages(1), OutboxTransaction.NONE);
        assertThat(first.outstandingCount()).as("within the recount interval the first instance missed 2 adds")
                .isEqualTo(6);

        clock.advance(Duration.ofSeconds(5));
        assertThatThrownBy(() -> first.add(messages(1), OutboxTransaction.NONE))
                .hasMessageContaining("outbox full: 6 outstanding, limit 5");
    }
}

package dev.courier.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.spi.OutboxTransaction;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An outbox table made by an earlier version (without the refusal and parking columns) keeps its rows: with
 * createTables(true) the columns are added and the stored message is claimed and sent as before; without it, the
 * outbox refuses to start and names the table.
 */
class OutboxUpgradeTest {

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aTableFromBeforeParkingGainsItsColumnsAndKeepsItsRows(TestDatabase.Kind kind) {
        TestDatabase database = TestDatabase.of(kind);
        String table = database.uniqueTable("outbox_upgrade");
        JdbcOutbox current = JdbcOutbox.builder(database.dataSource()).table(table).createTables(true).build();
        Message stored = new Message(MessageHeader.builder(UUID.randomUUID(), "old", MessageType.EVENT).build(),
                MessageBody.EMPTY);
        current.add(List.of(stored), OutboxTransaction.NONE);
        for (String column : new String[] {"refusals", "refusal_reason", "parked_at"}) {
            database.execute("ALTER TABLE " + table + " DROP COLUMN " + column);   // as an earlier version left it
        }

        assertThatThrownBy(() -> JdbcOutbox.builder(database.dataSource()).table(table).build())
                .isInstanceOf(JdbcStoreException.class).hasMessageContaining(table);
        JdbcOutbox upgraded = JdbcOutbox.builder(database.dataSource()).table(table).createTables(true).build();

        assertThat(upgraded.claimOutstanding(Instant.now().plusSeconds(1), 10, Duration.ofSeconds(30)))
                .extracting(Message::id).containsExactly(stored.id());
        assertThat(upgraded.parked(10)).isEmpty();
    }
}

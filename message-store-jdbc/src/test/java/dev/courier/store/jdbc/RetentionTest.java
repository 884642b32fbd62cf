package dev.courier.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.spi.OutboxTransaction;
import dev.courier.store.jdbc.internal.OutboxSql;
import dev.courier.test.Await;
import dev.courier.test.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Retention deletes run in chunks; more dispatched rows than one chunk must all go, outstanding ones stay. */
class RetentionTest {

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void deleteDispatchedBeforeRemovesMoreRowsThanOneChunk(TestDatabase.Kind kind) {
        TestDatabase database = TestDatabase.of(kind);
        JdbcOutbox outbox = JdbcOutbox.builder(database.dataSource()).table(database.uniqueTable("outbox_retention"))
                .createTables(true).build();
        int dispatched = 2 * OutboxSql.DELETE_CHUNK + 17;
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        List<UUID> ids = new ArrayList<>();
        for (int from = 0; from < dispatched; from += 1_000) {
            List<Message> batch = new ArrayList<>();
            for (int i = from; i < Math.min(dispatched, from + 1_000); i++) {
                Message message = new Message(MessageHeader.builder(UUID.randomUUID(), "old", MessageType.EVENT)
                        .build(), MessageBody.EMPTY);
                batch.add(message);
                ids.add(message.id());
            }
            outbox.add(batch, OutboxTransaction.NONE);
        }
        outbox.markDispatched(ids, at);
        Message pending = new Message(MessageHeader.builder(UUID.randomUUID(), "pending", MessageType.EVENT).build(),
                MessageBody.EMPTY);
        outbox.add(List.of(pending), OutboxTransaction.NONE);

        assertThat(outbox.deleteDispatchedBefore(at.plusSeconds(1))).isEqualTo(dispatched);
        assertThat(database.count("SELECT COUNT(*) FROM " + outbox.table())).isEqualTo(1);
        assertThat(outbox.get(pending.id())).contains(pending);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void theInboxDeletesExpiredEntriesByItselfWithoutAnyoneSchedulingIt(TestDatabase.Kind kind) {
        TestDatabase database = TestDatabase.of(kind);
        SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
        JdbcInbox inbox = JdbcInbox.builder(database.dataSource()).table(database.uniqueTable("inbox_auto"))
                .clock(clock).retention(Duration.ofDays(7)).cleanupEvery(Duration.ofMillis(1)).createTables(true)
                .build();
        for (int i = 0; i < 3; i++) {
            inbox.add(UUID.randomUUID(), "handler");
        }
        clock.advance(Duration.ofDays(8));
        UUID recent = UUID.randomUUID();
        inbox.add(recent, "handler");

        String count = "SELECT COUNT(*) FROM " + inbox.table();
        Await.until(Duration.ofSeconds(20), () -> "only the recent entry left, but " + database.count(count),
                () -> inbox.contains(recent, "handler") && database.count(count) == 1);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void anInboxWithManualCleanupKeepsExpiredEntriesUntilAskedAndWithItsDefaultsCleansHourly(TestDatabase.Kind kind) {
        TestDatabase database = TestDatabase.of(kind);
        SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
        JdbcInbox manual = JdbcInbox.builder(database.dataSource()).table(database.uniqueTable("inbox_manual"))
                .clock(clock).manualCleanup().createTables(true).build();
        manual.add(UUID.randomUUID(), "handler");
        clock.advance(Duration.ofDays(8));
        for (int i = 0; i < 50; i++) {
            manual.contains(UUID.randomUUID(), "handler");
        }
        assertThat(database.count("SELECT COUNT(*) FROM " + manual.table())).isEqualTo(1);
        assertThat(manual.deleteExpired()).isEqualTo(1);
        assertThat(JdbcInbox.DEFAULT_CLEANUP_INTERVAL).isEqualTo(Duration.ofHours(1));
    }
}

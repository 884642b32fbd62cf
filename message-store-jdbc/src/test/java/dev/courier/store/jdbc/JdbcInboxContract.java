package dev.courier.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.test.contract.InboxContract;
import dev.courier.spi.Inbox;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Runs the inbox contract on one database, plus retention, in a table of its own per test class. */
abstract class JdbcInboxContract extends InboxContract {
    private static final Map<Class<?>, String> TABLES = new ConcurrentHashMap<>();

    abstract TestDatabase database();

    @Override
    protected Inbox createInbox(Clock clock) {
        TestDatabase database = database();
        String table = TABLES.computeIfAbsent(getClass(), c -> database.uniqueTable("inbox_contract"));
        JdbcInbox inbox = JdbcInbox.builder(database.dataSource()).table(table).clock(clock)
                .retention(Duration.ofHours(1)).createTables(true).build();
        database.execute("DELETE FROM " + table);
        return inbox;
    }

    @Test
    void deleteExpiredRemovesOnlyEntriesOlderThanTheRetention() {
        UUID old = UUID.randomUUID();
        UUID recent = UUID.randomUUID();
        inbox.add(old, "mail.reminder");
        clock.advance(Duration.ofMinutes(30));
        inbox.add(recent, "mail.reminder");
        clock.advance(Duration.ofMinutes(31));

        int deleted = ((JdbcInbox) inbox).deleteExpired();

        assertThat(deleted).isEqualTo(1);
        assertThat(inbox.contains(old, "mail.reminder")).isFalse();
        assertThat(inbox.contains(recent, "mail.reminder")).isTrue();
        assertThat(inbox.add(old, "mail.reminder")).as("an expired entry can be recorded again").isTrue();
    }

    @Test
    void deleteExpiredWorksThroughABacklogLargerThanOneChunk() {
        TestDatabase database = database();
        String table = database.uniqueTable("inbox_chunks");
        JdbcInbox chunked = JdbcInbox.builder(database.dataSource()).table(table).clock(clock)
                .retention(Duration.ofHours(1)).deleteChunk(7).createTables(true).build();
        for (int i = 0; i < 23; i++) {
            chunked.add(UUID.randomUUID(), "mail.reminder");
        }
        clock.advance(Duration.ofMinutes(61));
        UUID fresh = UUID.randomUUID();
        chunked.add(fresh, "mail.reminder");

        assertThat(chunked.deleteExpired()).as("23 expired rows in chunks of 7").isEqualTo(23);
        assertThat(chunked.deleteExpired()).isZero();
        assertThat(chunked.contains(fresh, "mail.reminder")).isTrue();
        assertThatThrownBy(() -> JdbcInbox.builder(database.dataSource()).deleteChunk(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deleteChunk");
    }
}

package dev.courier.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.spi.OutboxTransaction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Two outboxes with pools of their own, as two processes would have, sweep one table between them. */
class ConcurrentSweepersTest {
    private static final int ROWS = 10_000;

    @ParameterizedTest
    @EnumSource(value = TestDatabase.Kind.class, names = {"POSTGRESQL", "MARIADB"})
    void twoSweepersClaimAndMarkEveryMessageExactlyOnce(TestDatabase.Kind kind) throws Exception {
        TestDatabase database = TestDatabase.of(kind);
        String table = database.uniqueTable("outbox_sweepers");
        JdbcOutbox writer = JdbcOutbox.builder(database.dataSource()).table(table).createTables(true).build();
        List<UUID> written = new ArrayList<>();
        for (int from = 0; from < ROWS; from += 500) {
            List<Message> batch = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                Message message = new Message(MessageHeader.builder(UUID.randomUUID(), "sweep", MessageType.EVENT)
                        .build(), MessageBody.json("{\"n\":" + (from + i) + "}"));
                batch.add(message);
                written.add(message.id());
            }
            writer.add(batch, OutboxTransaction.NONE);
        }

        Map<UUID, AtomicInteger> claims = new ConcurrentHashMap<>();
        ExecutorService sweepers = Executors.newFixedThreadPool(2);
        try (HikariDataSource first = database.pool(2); HikariDataSource second = database.pool(2)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> runs = new ArrayList<>();
            for (HikariDataSource pool : List.of(first, second)) {
                JdbcOutbox sweeper = JdbcOutbox.builder(pool).table(table).build();
                runs.add(sweepers.submit(() -> {
                    start.await();
                    return sweep(sweeper, claims);
                }));
            }
            start.countDown();
            int firstCount = runs.get(0).get(3, TimeUnit.MINUTES);
            int secondCount = runs.get(1).get(3, TimeUnit.MINUTES);
            assertThat(firstCount + secondCount).isEqualTo(ROWS);
            assertThat(firstCount).as("both sweepers did part of the work").isPositive();
            assertThat(secondCount).as("both sweepers did part of the work").isPositive();
        } finally {
            sweepers.shutdownNow();
        }

        assertThat(claims.keySet()).containsExactlyInAnyOrderElementsOf(written);
        assertThat(claims.entrySet()).filteredOn(e -> e.getValue().get() != 1).as("claimed more than once").isEmpty();
        assertThat(writer.outstandingCount()).isZero();
        assertThat(database.count("SELECT COUNT(*) FROM " + table + " WHERE dispatched_at IS NULL")).isZero();
    }

    private static int sweep(JdbcOutbox outbox, Map<UUID, AtomicInteger> claims) {
        int total = 0;
        List<Message> claimed;
        while (!(claimed = outbox.claimOutstanding(Instant.now(), 100, Duration.ofMinutes(10))).isEmpty()) {
            claimed.forEach(m -> claims.computeIfAbsent(m.id(), id -> new AtomicInteger()).incrementAndGet());
            outbox.markDispatched(claimed.stream().map(Message::id).toList(), Clock.systemUTC().instant());
            total += claimed.size();
        }
        return total;
    }
}

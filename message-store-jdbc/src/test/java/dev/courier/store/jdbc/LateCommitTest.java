package dev.courier.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.test.Await;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rows become visible in commit order, not in creation order: a transaction that started first may commit last.
 * A sweeper that remembered "the last id seen" would skip such rows; this one must not.
 */
class LateCommitTest {
    private static final int WRITERS = 8;
    private static final int TRANSACTIONS_PER_WRITER = 40;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aSweeperLoopingWhileWritersCommitOutOfOrderMissesNoCommittedRow(TestDatabase.Kind kind) throws Exception {
        TestDatabase database = TestDatabase.of(kind);
        JdbcOutbox outbox = JdbcOutbox.builder(database.dataSource()).table(database.uniqueTable("outbox_late"))
                .createTables(true).build();
        Set<UUID> committed = ConcurrentHashMap.newKeySet();
        Set<UUID> rolledBack = ConcurrentHashMap.newKeySet();
        Map<UUID, AtomicInteger> claims = new ConcurrentHashMap<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService threads = Executors.newFixedThreadPool(WRITERS + 2);
        try {
            Future<?> sweeper = threads.submit(() -> {
                while (writing.get()) {
                    sweepOnce(outbox, claims);
                }
                while (sweepOnce(outbox, claims) > 0) {
                    // drain what the last writers committed
                }
                return null;
            });
            Future<?> laggard = threads.submit(() -> {
                writeLaggard(database, outbox, claims, committed);
                return null;
            });
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                writers.add(threads.submit(() -> {
                    write(database, outbox, committed, rolledBack);
                    return null;
                }));
            }
            for (Future<?> writer : writers) {
                writer.get(3, TimeUnit.MINUTES);
            }
            laggard.get(3, TimeUnit.MINUTES);
            writing.set(false);
            sweeper.get(3, TimeUnit.MINUTES);
        } finally {
            writing.set(false);
            threads.shutdownNow();
        }

        assertThat(rolledBack).as("some transactions rolled back").isNotEmpty();
        assertThat(claims.keySet()).as("claimed messages").containsExactlyInAnyOrderElementsOf(committed);
        assertThat(claims.entrySet()).filteredOn(e -> e.getValue().get() != 1).as("claimed more than once").isEmpty();
        assertThat(outbox.outstandingCount()).isZero();
    }

    /** Opens a transaction first, and commits only after the sweeper has dispatched rows created after it. */
    private static void writeLaggard(TestDatabase database, JdbcOutbox outbox, Map<UUID, AtomicInteger> claims,
            Set<UUID> committed) throws Exception {
        Message early = message();
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            outbox.add(List.of(early), JdbcTransaction.of(connection));
            Await.until(Duration.ofMinutes(1), "the sweeper dispatching 50 later messages", () -> claims.size() >= 50);
            connection.commit();
            committed.add(early.id());
            connection.setAutoCommit(true);
        }
    }

    private static void write(TestDatabase database, JdbcOutbox outbox, Set<UUID> committed, Set<UUID> rolledBack)
            throws Exception {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int t = 0; t < TRANSACTIONS_PER_WRITER; t++) {
            List<Message> messages = new ArrayList<>();
            for (int i = random.nextInt(1, 4); i > 0; i--) {
                messages.add(message());
            }
            try (Connection connection = database.dataSource().getConnection()) {
                connection.setAutoCommit(false);
                outbox.add(messages, JdbcTransaction.of(connection));
                if (random.nextInt(4) == 0) {
                    // Hold the transaction open while other writers commit rows created after these.
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(5, 40)));
                }
                if (random.nextInt(10) == 0) {
                    connection.rollback();
                    messages.forEach(m -> rolledBack.add(m.id()));
                } else {
                    connection.commit();
                    messages.forEach(m -> committed.add(m.id()));
                }
                connection.setAutoCommit(true);
            }
        }
    }

    private static int sweepOnce(JdbcOutbox outbox, Map<UUID, AtomicInteger> claims) {
        List<Message> claimed = outbox.claimOutstanding(Instant.now(), 50, Duration.ofMinutes(10));
        claimed.forEach(m -> claims.computeIfAbsent(m.id(), id -> new AtomicInteger()).incrementAndGet());
        outbox.markDispatched(claimed.stream().map(Message::id).toList(), Instant.now());
        return claimed.size();
    }

    private static Message message() {
        return new Message(MessageHeader.builder(UUID.randomUUID(), "late", MessageType.EVENT).build(),
                MessageBody.json("{}"));
    }
}

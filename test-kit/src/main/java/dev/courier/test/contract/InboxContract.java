package dev.courier.test.contract;

import dev.courier.test.SettableClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.spi.Inbox;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Inbox} keeps. An implementation's test class extends this and says how to make a fresh,
 * empty inbox that reads time from the given clock.
 */
public abstract class InboxContract {
    protected final SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
    protected Inbox inbox;

    /** A fresh inbox with no entries, reading time from {@code clock}. */
    protected abstract Inbox createInbox(Clock clock);

    @BeforeEach
    void createInboxUnderTest() {
        inbox = createInbox(clock);
    }

    @Test
    void anUnrecordedHandlingIsNotContained() {
        assertThat(inbox.contains(UUID.randomUUID(), "handler")).isFalse();
    }

    @Test
    void aRecordedHandlingIsContained() {
        UUID id = UUID.randomUUID();

        assertThat(inbox.add(id, "mail.reminder")).isTrue();

        assertThat(inbox.contains(id, "mail.reminder")).isTrue();
    }

    @Test
    void recordingTheSameHandlingTwiceReturnsFalseTheSecondTime() {
        UUID id = UUID.randomUUID();
        inbox.add(id, "mail.reminder");

        assertThat(inbox.add(id, "mail.reminder")).isFalse();
        assertThat(inbox.contains(id, "mail.reminder")).isTrue();
    }

    @Test
    void differentHandlerKeysForOneMessageAreIndependent() {
        UUID id = UUID.randomUUID();
        inbox.add(id, "mail.reminder");

        assertThat(inbox.contains(id, "audit.reminder")).isFalse();
        assertThat(inbox.add(id, "audit.reminder")).isTrue();
        assertThat(inbox.contains(id, "audit.reminder")).isTrue();
    }

    @Test
    void handlerKeysThatDifferOnlyInCaseAreDifferentKeys() {
        UUID id = UUID.randomUUID();
        inbox.add(id, "mail.reminder");

        assertThat(inbox.add(id, "Mail.Reminder")).isTrue();
    }

    @Test
    void differentMessagesForOneHandlerKeyAreIndependent() {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        inbox.add(first, "mail.reminder");

        assertThat(inbox.contains(second, "mail.reminder")).isFalse();
        assertThat(inbox.add(second, "mail.reminder")).isTrue();
    }

    @Test
    void concurrentDuplicatesRecordTheHandlingExactlyOnce() throws Exception {
        int threads = 8;
        int messages = 50;
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            ids.add(UUID.randomUUID());
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> wins = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                wins.add(pool.submit(() -> {
                    start.await();
                    int won = 0;
                    for (UUID id : ids) {
                        if (inbox.add(id, "mail.reminder")) {
                            won++;
                        }
                    }
                    return won;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> win : wins) {
                total += win.get(60, TimeUnit.SECONDS);
            }
            assertThat(total).as("successful adds of %d distinct pairs by %d threads", messages, threads)
                    .isEqualTo(messages);
        } finally {
            pool.shutdownNow();
        }
    }
}

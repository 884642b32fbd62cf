package dev.courier.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.test.contract.OutboxContract;
import dev.courier.test.SettableClock;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.spi.Outbox;
import dev.courier.spi.OutboxTransaction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class InMemoryOutboxTest extends OutboxContract {
    @Override
    protected Outbox createOutbox(Clock clock, int maxOutstanding) {
        return new InMemoryOutbox(clock, maxOutstanding);
    }

    @Test
    void itKeepsOnlyTheMostRecentlyDispatchedMessagesSoALongRunningProducerDoesNotGrowTheHeap() {
        SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
        InMemoryOutbox outbox = new InMemoryOutbox(clock, 10, 3);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            Message message = message();
            ids.add(message.id());
            outbox.add(List.of(message), OutboxTransaction.NONE);
            clock.advance(Duration.ofMillis(1));
            outbox.markDispatched(List.of(message.id()), clock.instant());
        }

        assertThat(outbox.dispatchedCount()).isEqualTo(3);
        assertThat(outbox.outstandingCount()).isZero();
        assertThat(ids.subList(997, 1000)).allMatch(id -> outbox.get(id).isPresent());
        assertThat(outbox.get(ids.get(996))).isEmpty();
    }

    @Test
    void dispatchedMessagesAreDroppedInTheOrderTheyWereDispatchedNotAdded() {
        SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
        InMemoryOutbox outbox = new InMemoryOutbox(clock, 10, 1);
        Message first = message();
        Message second = message();
        outbox.add(List.of(first, second), OutboxTransaction.NONE);

        outbox.markDispatched(List.of(second.id()), clock.instant());
        outbox.markDispatched(List.of(first.id()), clock.instant());

        assertThat(outbox.get(first.id())).isPresent();
        assertThat(outbox.get(second.id())).isEmpty();
    }

    @Test
    void zeroDispatchedKeepsOutstandingMessagesUntilTheyAreDispatched() {
        SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
        InMemoryOutbox outbox = new InMemoryOutbox(clock, 10, 0);
        Message message = message();
        outbox.add(List.of(message), OutboxTransaction.NONE);
        assertThat(outbox.get(message.id())).isPresent();

        outbox.markDispatched(List.of(message.id()), clock.instant());

        assertThat(outbox.get(message.id())).isEmpty();
        assertThat(outbox.dispatchedCount()).isZero();
    }

    @Test
    void aNegativeDispatchedBoundIsRefusedNamingTheValue() {
        assertThatThrownBy(() -> new InMemoryOutbox(Clock.systemUTC(), 10, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxDispatched")
                .hasMessageContaining("-1");
    }

    private static Message message() {
        return new Message(MessageHeader.builder(UUID.randomUUID(), "t", MessageType.COMMAND).build(),
                MessageBody.text("x"));
    }
}

package dev.courier.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The query records on their own; every outbox keeps the rest of the contract in {@code OutboxContract}. */
class OutboxQueryTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
    private static final UUID LOW = UUID.fromString("00000000-0000-0000-0000-000000000001");
    private static final UUID HIGH = UUID.fromString("80000000-0000-0000-0000-000000000000");

    private static OutboxEntry entry(UUID id, String topic, Instant createdAt) {
        Message message = new Message(MessageHeader.builder(id, topic, MessageType.EVENT).build(), MessageBody.EMPTY);
        return new OutboxEntry(message, OutboxState.OUTSTANDING, createdAt, null, 0, null);
    }

    @Test
    void entriesAreOrderedByCreationTimeThenByIdAsAnUnsignedNumber() {
        OutboxEntry high = entry(HIGH, "t", AT);
        OutboxEntry low = entry(LOW, "t", AT);
        OutboxEntry earlier = entry(HIGH, "t", AT.minusNanos(1));

        assertThat(HIGH.compareTo(LOW)).as("UUID.compareTo is signed: the wrong order").isNegative();
        assertThat(List.of(high, low, earlier).stream().sorted(OutboxEntry.ORDER).toList())
                .containsExactly(earlier, low, high);
    }

    @Test
    void aQueryMatchesOnlyEntriesAfterItsCursor() {
        OutboxEntry low = entry(LOW, "t", AT);
        OutboxQuery next = OutboxQuery.of(OutboxState.OUTSTANDING, 10).nextPage(low);

        assertThat(next.matches(low)).isFalse();
        assertThat(next.matches(entry(HIGH, "t", AT))).isTrue();
        assertThat(next.matches(entry(HIGH, "t", AT.minusNanos(1)))).isFalse();
        assertThat(next.matches(entry(LOW, "t", AT.plusNanos(1)))).isTrue();
        assertThat(OutboxQuery.builder(OutboxState.OUTSTANDING, 10).topic("other").build().nextPage(low)
                .matches(entry(HIGH, "t", AT))).isFalse();
        assertThat(OutboxQuery.of(OutboxState.PARKED, 10).matches(low)).isFalse();
    }

    @Test
    void anEntryWithoutARefusalHasAnEmptyLastRefusalAndOnlyADispatchedOneHasADispatchTime() {
        assertThat(entry(LOW, "t", AT).lastRefusal()).isEmpty();
        Message message = entry(LOW, "t", AT).message();
        assertThatThrownBy(() -> new OutboxEntry(message, OutboxState.DISPATCHED, AT, null, 0, ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dispatchedAt must be set");
        assertThatThrownBy(() -> new OutboxEntry(message, OutboxState.PARKED, AT, AT, 0, ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("state was PARKED");
    }

    @Test
    void anOutboxThatCannotQueryCountOrRepostSaysSoNamingItsClass() {
        Outbox plain = new PlainOutbox();

        assertThatThrownBy(() -> plain.query(OutboxQuery.of(OutboxState.OUTSTANDING, 1)))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessage(PlainOutbox.class.getName() + " does not support queries");
        assertThatThrownBy(plain::stats).isInstanceOf(UnsupportedOperationException.class)
                .hasMessage(PlainOutbox.class.getName() + " does not support stats");
        assertThatThrownBy(() -> plain.markOutstanding(List.of(LOW)))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageStartingWith(PlainOutbox.class.getName() + " does not support markOutstanding");
    }

    /** An outbox of the kind written before queries existed: none of the new methods. */
    private static final class PlainOutbox implements Outbox {
        @Override
        public void add(Collection<Message> messages, OutboxTransaction transaction) {}

        @Override
        public Optional<Message> get(UUID messageId) {
            return Optional.empty();
        }

        @Override
        public List<Message> claimOutstanding(Instant createdBefore, int limit, Duration lease) {
            return List.of();
        }

        @Override
        public void markDispatched(Collection<UUID> messageIds, Instant at) {}

        @Override
        public long outstandingCount() {
            return 0;
        }

        @Override
        public int deleteDispatchedBefore(Instant cutoff) {
            return 0;
        }
    }
}

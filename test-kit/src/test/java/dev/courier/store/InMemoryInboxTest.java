package dev.courier.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.test.contract.InboxContract;
import dev.courier.spi.Inbox;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class InMemoryInboxTest extends InboxContract {
    @Override
    protected Inbox createInbox(Clock clock) {
        return new InMemoryInbox(clock, Duration.ofHours(1));
    }

    @Test
    void anEntryOlderThanTheRetentionIsForgotten() {
        UUID id = UUID.randomUUID();
        inbox.add(id, "mail.reminder");

        clock.advance(Duration.ofHours(1));

        assertThat(inbox.contains(id, "mail.reminder")).isFalse();
    }
}

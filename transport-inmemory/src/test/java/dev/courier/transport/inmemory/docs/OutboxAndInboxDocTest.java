package dev.courier.transport.inmemory.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.Command;
import dev.courier.DuplicateMessageException;
import dev.courier.HandlerRegistry;
import dev.courier.OutboxException;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.RequestHandler;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.spi.OutboxTransaction;
import dev.courier.steps.UseInbox;
import dev.courier.store.InMemoryInbox;
import dev.courier.store.InMemoryOutbox;
import dev.courier.transport.inmemory.InMemoryTransport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Mirrors the opening snippet of docs/outbox-and-inbox.md; keep the two in step. */
class OutboxAndInboxDocTest {
    static final List<Long> charged = new CopyOnWriteArrayList<>();

    // --- snippet: types ---
    public record Charge(UUID id, String account, long cents) implements Command {}

    public static final class ChargeHandler implements RequestHandler<Charge> {
        @UseInbox(step = 1, key = "billing.charge", onDuplicate = UseInbox.OnDuplicate.WARN)
        @Override
        public void handle(Charge charge) {
            charged.add(charge.cents());
        }
    }

    public static final class StrictChargeHandler implements RequestHandler<Charge> {
        @UseInbox(step = 1)      // key: the class name; a duplicate throws DuplicateMessageException
        @Override
        public void handle(Charge charge) {
            charged.add(charge.cents());
        }
    }
    // --- end snippet ---

    @Test
    void theSnippetRuns() {
        charged.clear();
        InMemoryTransport transport = InMemoryTransport.create();
        ChargeHandler handler = new ChargeHandler();
        Charge charge;
        UUID id;
        InMemoryOutbox outbox;
        InMemoryInbox inbox;

        // --- snippet: use ---
        outbox = new InMemoryOutbox(Clock.systemUTC(), 10_000, 1_000);   // outstanding bound, dispatched kept
        inbox = new InMemoryInbox(Clock.systemUTC(), Duration.ofHours(6)); // how long a handling is remembered
        transport.broker().declareChannel("billing.charge", "billing.charge");   // somewhere to route to

        try (CommandProcessor processor = CommandProcessor.builder()
                     .handlers(new HandlerRegistry().register(Charge.class, handler))
                     .mappers(new MessageMappers().json(Charge.class, "billing.charge"))
                     .producers(Producers.of(transport.producer()))
                     .outbox(outbox)
                     .inbox(inbox)
                     .build()) {
            charge = new Charge(Request.newId(), "acct-1", 500);
            processor.send(charge);
            processor.send(charge);              // the same id again: skipped, with a warning
            inbox.contains(charge.id(), "billing.charge");                      // true

            id = processor.post(charge);
            outbox.outstandingCount();           // 0: sent, confirmed, marked dispatched
            outbox.get(id);                      // still there, for repost
            outbox.deleteDispatchedBefore(Instant.now().plusSeconds(1));        // what a sweeper's retention does
        }
        // --- end snippet ---

        assertThat(charged).containsExactly(500L);
        assertThat(inbox.contains(charge.id(), "billing.charge")).isTrue();
        assertThat(outbox.outstandingCount()).isZero();
        assertThat(outbox.get(id)).isEmpty();
        assertThat(transport.broker().stats("billing.charge").ready()).isEqualTo(1);
    }

    @Test
    void withTheDefaultOnDuplicateASecondSendThrowsNamingTheHandlerKey() {
        charged.clear();
        try (CommandProcessor processor = CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Charge.class, new StrictChargeHandler())).build()) {
            Charge charge = new Charge(Request.newId(), "acct-1", 700);
            processor.send(charge);

            assertThatThrownBy(() -> processor.send(charge)).isInstanceOf(DuplicateMessageException.class)
                    .hasMessageContaining(charge.id().toString())
                    .hasMessageContaining(StrictChargeHandler.class.getName());
        }
        assertThat(charged).containsExactly(700L);
    }

    @Test
    void aFullInMemoryOutboxRefusesTheAddAndSaysWhy() {
        InMemoryOutbox outbox = new InMemoryOutbox(Clock.systemUTC(), 1, 0);
        try (CommandProcessor processor = CommandProcessor.builder()
                .mappers(new MessageMappers().json(Charge.class, "billing.charge"))
                .producers(Producers.of(InMemoryTransport.create().producer()))
                .outbox(outbox).build()) {
            processor.depositPost(List.of(new Charge(Request.newId(), "a", 1)), OutboxTransaction.NONE);

            assertThatThrownBy(() -> processor.depositPost(new Charge(Request.newId(), "a", 2)))
                    .isInstanceOf(OutboxException.class)
                    .hasMessage("outbox full: 1 outstanding, limit 1 (adding 1)");
        }
    }
}

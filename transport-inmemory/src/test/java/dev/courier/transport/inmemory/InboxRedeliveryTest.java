package dev.courier.transport.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.Command;
import dev.courier.Event;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.RequestHandler;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.steps.UseInbox;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A message redelivered after {@code @UseInbox} recorded it is done: the pump acknowledges it. */
class InboxRedeliveryTest {
    public record Charge(UUID id, int cents) implements Command {}

    public record Charged(UUID id, int cents) implements Event {}

    static final List<String> handled = new CopyOnWriteArrayList<>();

    public static final class ChargeHandler implements RequestHandler<Charge> {
        @UseInbox(step = 1)
        @Override
        public void handle(Charge charge) {
            handled.add("charge " + charge.cents());
        }
    }

    public static final class LedgerHandler implements RequestHandler<Charged> {
        @UseInbox(step = 1)
        @Override
        public void handle(Charged charged) {
            handled.add("ledger " + charged.cents());
        }
    }

    public static final class MailHandler implements RequestHandler<Charged> {
        @UseInbox(step = 1)
        @Override
        public void handle(Charged charged) {
            handled.add("mail " + charged.cents());
        }
    }

    @Test
    void aRepostedCommandTheInboxAlreadyRecordedIsAcknowledgedNotRequeuedOrDeadLettered() {
        handled.clear();
        InMemoryTransport transport = InMemoryTransport.create();
        String topic = "charge-" + UUID.randomUUID();
        try (CommandProcessor processor = processor(transport, new MessageMappers().json(Charge.class, topic),
                new HandlerRegistry().register(Charge.class, new ChargeHandler()));
             Dispatcher dispatcher = dispatcher(processor, Subscription.builder(topic, Charge.class), transport)) {
            UUID id = processor.post(new Charge(Request.newId(), 500));
            transport.broker().awaitAcknowledged(topic, 1, Duration.ofSeconds(5));

            processor.repost(id);

            transport.broker().awaitAcknowledged(topic, 2, Duration.ofSeconds(5));
            assertThat(transport.broker().stats(topic).deadLettered()).isZero();
            assertThat(transport.broker().stats(topic).delayed()).isZero();
        }
        assertThat(handled).containsExactly("charge 500");
    }

    @Test
    void aRepostedEventEveryHandlerAlreadyRecordedIsAcknowledged() {
        handled.clear();
        InMemoryTransport transport = InMemoryTransport.create();
        String topic = "charged-" + UUID.randomUUID();
        try (CommandProcessor processor = processor(transport, new MessageMappers().json(Charged.class, topic),
                new HandlerRegistry().register(Charged.class, new LedgerHandler())
                        .register(Charged.class, new MailHandler()));
             Dispatcher dispatcher = dispatcher(processor, Subscription.builder(topic, Charged.class), transport)) {
            UUID id = processor.post(new Charged(Request.newId(), 700));
            transport.broker().awaitAcknowledged(topic, 1, Duration.ofSeconds(5));

            processor.repost(id);

            transport.broker().awaitAcknowledged(topic, 2, Duration.ofSeconds(5));
            assertThat(transport.broker().stats(topic).deadLettered()).isZero();
        }
        assertThat(handled).containsExactlyInAnyOrder("ledger 700", "mail 700");
    }

    private static CommandProcessor processor(InMemoryTransport transport, MessageMappers mappers,
            HandlerRegistry handlers) {
        return CommandProcessor.builder().handlers(handlers).mappers(mappers)
                .producers(Producers.of(transport.producer())).build();
    }

    private static Dispatcher dispatcher(CommandProcessor processor, Subscription.Builder subscription,
            InMemoryTransport transport) {
        return Dispatcher.builder().processor(processor)
                .subscription(subscription.transport(transport).requeueDelay(Duration.ofMinutes(5)).build())
                .build().start();
    }
}

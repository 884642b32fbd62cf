package dev.courier.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.Command;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.RequestHandler;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** docs/testing.md's first example, run: the extension, a requeue held by the manual clock, no sleeping. */
class InMemoryCourierTest {
    record ChargeCard(UUID id, String card) implements Command {}

    private final List<String> charged = new CopyOnWriteArrayList<>();
    private final AtomicInteger attempts = new AtomicInteger();

    // snippet kit-extension
    @RegisterExtension
    final InMemoryCourier courier = new InMemoryCourier();

    @Test
    void aFailedChargeIsRetriedAfterItsRequeueDelayWithNoSleeping() {
        RequestHandler<ChargeCard> handler = command -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("card gateway down");
            }
            charged.add(command.card());
        };
        CommandProcessor processor = courier.closeAfter(CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(ChargeCard.class, handler))
                .mappers(new MessageMappers().json(ChargeCard.class, "cards"))
                .producers(Producers.of(courier.transport()))
                .build());
        courier.closeAfter(Dispatcher.builder().processor(processor)
                .subscription(Subscription.builder("cards", ChargeCard.class).transport(courier.transport())
                        .requeueDelay(Duration.ofMinutes(5)).build())
                .build().start());

        processor.post(new ChargeCard(Request.newId(), "4242"));
        Await.until(Duration.ofSeconds(5), "the first attempt requeued", () -> courier.delayed("cards") == 1);
        assertThat(charged).isEmpty();

        courier.clock().advance(Duration.ofMinutes(5));                 // the requeue delay passes, at once
        courier.broker().awaitAcknowledged("cards", 1, Duration.ofSeconds(5));
        assertThat(charged).containsExactly("4242");
    }
    // end kit-extension
}

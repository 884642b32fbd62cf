package dev.courier.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.Command;
import dev.courier.HandlerRegistry;
import dev.courier.MdcKeys;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.RequestHandler;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.MDC;

/** While a pump handles a message its ids are in the MDC, so the handler's log lines carry them; never after. */
class MdcTest {
    record Job(UUID id) implements Command {}

    @RegisterExtension
    final InMemoryCourier courier = new InMemoryCourier();

    @Test
    void theHandlerSeesItsMessagesIdsInTheMdcAndThePumpLeavesNoneBehind() {
        List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
        AtomicReference<Map<String, String>> leftOnThePump = new AtomicReference<>(Map.of("not", "run"));
        CommandProcessor processor = courier.closeAfter(CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Job.class, (RequestHandler<Job>) job ->
                        seen.add(Map.of("id", String.valueOf(MDC.get(MdcKeys.MESSAGE_ID)),
                                "channel", String.valueOf(MDC.get(MdcKeys.CHANNEL))))))
                .mappers(new MessageMappers().json(Job.class, "jobs"))
                .producers(Producers.of(courier.transport())).build());
        Dispatcher dispatcher = Dispatcher.builder().processor(processor)
                .threadFactory(pump -> new Thread(() -> {
                    try {
                        pump.run();
                    } finally {
                        Map<String, String> left = MDC.getCopyOfContextMap();
                        leftOnThePump.set(left == null ? Map.of() : left);
                    }
                }))
                .subscription(Subscription.builder("jobs", Job.class).transport(courier.transport()).build())
                .build().start();
        Job first = new Job(Request.newId());
        Job second = new Job(Request.newId());

        processor.post(first);
        processor.post(second);
        courier.broker().awaitAcknowledged("jobs", 2, Duration.ofSeconds(5));
        assertThat(dispatcher.stop(Duration.ofSeconds(5))).isTrue();

        assertThat(seen).containsExactly(Map.of("id", first.id().toString(), "channel", "jobs"),
                Map.of("id", second.id().toString(), "channel", "jobs"));
        assertThat(leftOnThePump.get()).as("MDC on the pump thread once it stopped").isEmpty();
        assertThat(MDC.get(MdcKeys.MESSAGE_ID)).as("nothing on the test's own thread").isNull();
    }
}

package dev.courier.samples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.Command;
import dev.courier.Event;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.transport.inmemory.InMemoryTransport;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The snippets of docs/concepts.md, compiled and run; {@link DocSnippetsTest} keeps the page identical. */
class ConceptsExampleTest {
    public record Greet(UUID id, String name) implements Command {}

    public record Greeted(UUID id, String name) implements Event {}

    @Test
    void sendPublishAndPostReachTheirHandlers() {
        List<String> seen = new CopyOnWriteArrayList<>();
        InMemoryTransport transport = InMemoryTransport.create();
        CommandProcessor processor = CommandProcessor.builder()
                .handlers(new HandlerRegistry()
                        .register(Greet.class, greet -> seen.add("greet " + greet.name()))
                        .register(Greeted.class, event -> seen.add("audit " + event.name()))
                        .register(Greeted.class, event -> seen.add("stats " + event.name())))
                .mappers(new MessageMappers().json(Greet.class, "greetings"))
                .producers(Producers.of(transport.producer()))
                .build();
        Dispatcher dispatcher = Dispatcher.builder().processor(processor)
                .subscription(Subscription.builder("greetings", Greet.class).transport(transport).build())
                .build().start();

        // snippet verbs
        processor.send(new Greet(Request.newId(), "Ada"));        // its one handler, now, on this thread
        processor.publish(new Greeted(Request.newId(), "Ada"));   // every handler, now, on this thread
        processor.post(new Greet(Request.newId(), "Alan"));       // outbox, broker, then a pump, elsewhere
        // end verbs

        transport.broker().awaitAcknowledged("greetings", 1, Duration.ofSeconds(10));
        dispatcher.stop(Duration.ofSeconds(5));
        processor.close();
        assertThat(seen).containsExactly("greet Ada", "audit Ada", "stats Ada", "greet Alan");
    }
}

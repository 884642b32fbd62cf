package dev.courier.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.Command;
import dev.courier.Event;
import dev.courier.HandlerRegistry;
import dev.courier.Request;
import dev.courier.RequestHandler;
import dev.courier.runtime.CommandProcessor;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Mirrors the opening snippet of docs/send-and-publish.md; keep the two in step. */
class SendAndPublishDocTest {

    // --- snippet: types ---
    public record Greet(UUID id, String name) implements Command {}

    public record Greeted(UUID id, String name) implements Event {}

    public static final class GreetHandler implements RequestHandler<Greet> {
        final List<String> greeted = new CopyOnWriteArrayList<>();

        @Override
        public void handle(Greet greet) {
            greeted.add("Hello, " + greet.name());
        }
    }
    // --- end snippet ---

    @Test
    void theSnippetRuns() {
        List<String> audit = new CopyOnWriteArrayList<>();
        List<String> mail = new CopyOnWriteArrayList<>();
        GreetHandler greetHandler = new GreetHandler();

        // --- snippet: use ---
        HandlerRegistry registry = new HandlerRegistry()
                .register(Greet.class, greetHandler)              // a command: exactly one handler
                .register(Greeted.class, e -> audit.add(e.name())) // an event: any number of handlers
                .register(Greeted.class, e -> mail.add(e.name()));

        try (CommandProcessor processor = CommandProcessor.builder().handlers(registry).build()) {
            processor.send(new Greet(Request.newId(), "Ada"));        // runs GreetHandler on this thread
            processor.publish(new Greeted(Request.newId(), "Ada"));   // runs both event handlers
            processor.sendAsync(new Greet(Request.newId(), "Grace"))  // on the processor's executor
                    .toCompletableFuture().join();
        }
        // --- end snippet ---

        assertThat(greetHandler.greeted).containsExactly("Hello, Ada", "Hello, Grace");
        assertThat(audit).containsExactly("Ada");
        assertThat(mail).containsExactly("Ada");
    }
}

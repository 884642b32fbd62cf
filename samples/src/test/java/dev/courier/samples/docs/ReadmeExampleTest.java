package dev.courier.samples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.Command;
import dev.courier.HandlerRegistry;
import dev.courier.Policies;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.RequestHandler;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.steps.RequestLogging;
import dev.courier.steps.UsePolicy;
import dev.courier.transport.inmemory.InMemoryTransport;
import io.github.resilience4j.retry.RetryRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The README's example, compiled and run; {@link DocSnippetsTest} checks that the README shows exactly this. */
class ReadmeExampleTest {

    // snippet readme
    public record Greet(UUID id, String name) implements Command {}

    public static final class GreetHandler implements RequestHandler<Greet> {
        @RequestLogging(step = 1)
        @UsePolicy(value = "greet-retry", step = 2)
        @Override public void handle(Greet greet) { System.out.println("Hello, " + greet.name()); }
    }
    // end readme

    @Test
    void theReadmeExampleSendsAndPosts() {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            run();
        } finally {
            System.setOut(original);
        }
        assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("Hello, Ada", "Hello, Alan");
    }

    private static void run() {
        // snippet readme
        RetryRegistry retries = RetryRegistry.ofDefaults();
        retries.retry("greet-retry");                                   // 3 attempts, 500 ms apart
        InMemoryTransport transport = InMemoryTransport.create();       // or RabbitMqTransport.connect(config)
        CommandProcessor processor = CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Greet.class, new GreetHandler()))
                .policies(Policies.of(retries))
                .mappers(new MessageMappers().json(Greet.class, "greetings"))
                .producers(Producers.of(transport.producer()))
                .build();
        Dispatcher dispatcher = Dispatcher.builder().processor(processor)
                .subscription(Subscription.builder("greetings", Greet.class).transport(transport).build())
                .build().start();

        processor.send(new Greet(Request.newId(), "Ada"));   // handled now, on this thread
        processor.post(new Greet(Request.newId(), "Alan"));  // outbox -> broker -> a pump -> the same handler
        // end readme
        transport.broker().awaitAcknowledged("greetings", 1, Duration.ofSeconds(10));
        dispatcher.stop(Duration.ofSeconds(5));
        processor.close();
    }
}

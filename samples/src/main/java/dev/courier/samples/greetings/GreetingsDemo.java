package dev.courier.samples.greetings;

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
import dev.courier.steps.RequestLogging;
import dev.courier.transport.inmemory.InMemoryBroker;
import dev.courier.transport.inmemory.InMemoryTransport;
import java.time.Duration;
import java.util.UUID;

/**
 * The smallest Courier program: {@code send} a command to its one handler, {@code publish} an event to two, and
 * {@code post} a command through the outbox to a broker (here the in-memory one), where a {@link Dispatcher}'s pump
 * receives it and hands it to the same handler.
 */
public final class GreetingsDemo {

    public record Greet(UUID id, String name) implements Command {}

    public record Greeted(UUID id, String name) implements Event {}

    static final class GreetHandler implements RequestHandler<Greet> {
        private final CommandProcessor[] processor;

        GreetHandler(CommandProcessor[] processor) {
            this.processor = processor;
        }

        @RequestLogging(step = 1)
        @Override
        public void handle(Greet greet) {
            System.out.println("  GreetHandler on " + Thread.currentThread().getName() + ": Hello, " + greet.name() + "!");
            processor[0].publish(new Greeted(Request.newId(), greet.name()));
        }
    }

    private GreetingsDemo() {}

    public static void main(String[] args) {
        InMemoryBroker broker = InMemoryBroker.create();
        InMemoryTransport transport = InMemoryTransport.over(broker);
        broker.declareChannel("greetings", "greetings");   // so a post before the dispatcher starts is kept

        CommandProcessor[] self = new CommandProcessor[1];
        HandlerRegistry handlers = new HandlerRegistry()
                .register(Greet.class, new GreetHandler(self))
                .register(Greeted.class, event -> System.out.println("  AuditHandler: greeted " + event.name()))
                .register(Greeted.class, event -> System.out.println("  StatsHandler: one more greeting"));
        try (CommandProcessor processor = CommandProcessor.builder()
                .handlers(handlers)
                .mappers(new MessageMappers().json(Greet.class, "greetings"))   // Greet may travel, on topic "greetings"
                .producers(Producers.of(transport.producer()))
                .build()) {
            self[0] = processor;
            System.out.println("send(Greet) runs its one handler on this thread; it publishes Greeted to two handlers:");
            processor.send(new Greet(Request.newId(), "Ada"));

            System.out.println("publish(Greeted) runs both event handlers:");
            processor.publish(new Greeted(Request.newId(), "Grace"));

            System.out.println("post(Greet) stores it in the outbox and sends it to the broker; a Dispatcher's pump handles it:");
            Dispatcher dispatcher = Dispatcher.builder()
                    .processor(processor)
                    .subscription(Subscription.builder("greetings", Greet.class).transport(transport).build())
                    .build()
                    .start();
            processor.post(new Greet(Request.newId(), "Alan"));
            broker.awaitAcknowledged("greetings", 1, Duration.ofSeconds(10));
            dispatcher.stop(Duration.ofSeconds(5));
            System.out.println("Done: 2 commands handled (1 sent, 1 posted), 2 events published to 2 handlers each.");
        }
    }
}

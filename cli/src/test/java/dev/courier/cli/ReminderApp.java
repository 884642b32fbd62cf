package dev.courier.cli;

import dev.courier.Command;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.RejectMessageException;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.runtime.ChannelControl;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.DeadLetters;
import dev.courier.runtime.Dispatcher;
import dev.courier.test.Await;
import dev.courier.test.TestServices;
import dev.courier.transport.rabbitmq.RabbitMqConfig;
import dev.courier.transport.rabbitmq.RabbitMqTransport;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The application the operator looks after: a Dispatcher on RabbitMQ whose reminder handler has a bug (reminders of
 * kind "bug" fail until {@link #deployFix()}), rejects reminders of kind "reject", and counts every handling per
 * reminder number. Its own exchange and channel, deleted on close.
 */
final class ReminderApp implements AutoCloseable {
    record Reminder(UUID id, int n, String kind, String email) implements Command {}

    static final byte[] SECRET = ChannelControl.secret("the operators' control secret, 32+ bytes");

    final String exchange = "courier-cli-" + UUID.randomUUID().toString().substring(0, 8);
    final String channel = exchange + ".reminders";
    final RabbitMqTransport rabbit;
    final CommandProcessor processor;
    final Dispatcher dispatcher;
    final ChannelControl control;
    final Map<Integer, Integer> handled = new ConcurrentHashMap<>();
    private volatile boolean fixed;

    ReminderApp() {
        TestServices.require("RabbitMQ", TestServices.RABBITMQ_URI, 5672);
        rabbit = RabbitMqTransport.connect(RabbitMqConfig.builder().uri(TestServices.RABBITMQ_URI).exchange(exchange)
                .build());
        processor = CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Reminder.class, this::handle))
                .mappers(new MessageMappers().json(Reminder.class, channel))
                .producers(Producers.of(rabbit)).build();
        dispatcher = Dispatcher.builder().processor(processor)
                .subscription(Subscription.builder(channel, Reminder.class).transport(rabbit).requeueCount(0)
                        .unacceptableLimit(1_000, Duration.ofMinutes(1)).performers(2).build())
                .build().start();
        control = ChannelControl.start(dispatcher, rabbit, exchange, "pod-1", SECRET);
    }

    private void handle(Reminder reminder) {
        if (reminder.kind().equals("reject")) {
            throw new RejectMessageException("no such user for reminder " + reminder.n());
        }
        if (reminder.kind().equals("bug") && !fixed) {
            throw new IllegalStateException("template 'reminder-v2' missing for reminder " + reminder.n());
        }
        handled.merge(reminder.n(), 1, Integer::sum); // one atomic step: never seen with a count of 0
    }

    /** The tool, set to reach this application's broker, exchange and channel control. */
    Cli cli() {
        return new Cli(exchange).with("COURIER_CONTROL_SECRET", new String(SECRET, StandardCharsets.UTF_8));
    }

    void deployFix() {
        fixed = true;
    }

    void post(int from, int count, String kind) {
        for (int n = from; n < from + count; n++) {
            processor.post(new Reminder(UUID.randomUUID(), n, kind, "user" + n + "@example.com"));
        }
    }

    /** Messages of the reminder type whose body the JSON mapper cannot read: dead-lettered as unacceptable. */
    void postUnmappable(int count) {
        Message valid = processor.mappers().toMessage(new Reminder(UUID.randomUUID(), 0, "ok", "x"), Duration.ZERO, Clock.systemUTC());
        for (int i = 0; i < count; i++) {
            Message broken = new Message(valid.header().toBuilder().messageId(UUID.randomUUID()).build(),
                    MessageBody.json("{\"n\": \"not a number " + i + "\"}"));
            rabbit.producer().send(broken).join();
        }
    }

    DeadLetters deadLetters() {
        return DeadLetters.over(rabbit.deadLetterQueue());
    }

    /**
     * Waits until {@code count} messages are dead-lettered: in the queue, and counted by the Dispatcher (which counts
     * one once the broker confirmed the copy and the original was acknowledged, a little after the queue has it).
     */
    void awaitDeadLettered(long count) {
        awaitDeadLetters(count);
        Await.until(Duration.ofSeconds(30), () -> count + " dead-lettered by the dispatcher, found "
                + dispatcher.state(channel).deadLettered(), () -> dispatcher.state(channel).deadLettered() == count);
    }

    /** Waits until the dead-letter queue holds {@code count} (after a browse the broker counts what it took back late). */
    void awaitDeadLetters(long count) {
        Await.until(Duration.ofSeconds(30), () -> count + " dead letters on " + channel + ", found "
                + deadLetters().count(channel), () -> deadLetters().count(channel) == count);
    }

    int distinctHandled() {
        return handled.size();
    }

    int totalHandled() {
        return handled.values().stream().mapToInt(Integer::intValue).sum();
    }

    @Override
    public void close() throws Exception {
        try {
            control.close();
            dispatcher.stop(Duration.ofSeconds(10));
            processor.close();
            rabbit.close();
        } finally {
            RabbitMqTransport.deleteTopology(TestServices.RABBITMQ_URI, exchange, channel,
                    ChannelControl.channel(exchange, "pod-1"));
        }
    }
}

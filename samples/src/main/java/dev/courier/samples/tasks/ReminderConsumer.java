package dev.courier.samples.tasks;

import dev.courier.ChannelState;
import dev.courier.HandlerRegistry;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.spi.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The consumer side of the tasks sample: a {@link Dispatcher} whose pumps read {@link TaskReminder#TOPIC} and hand
 * each reminder to {@link MailTaskReminderHandler} through its pipeline.
 */
public final class ReminderConsumer implements AutoCloseable {
    private final CommandProcessor processor;
    private final Dispatcher dispatcher;

    public ReminderConsumer(Transport transport, MailGateway mail, ReminderSettings settings) {
        this(transport, mail, settings, Observing.NONE);
    }

    /** As the other constructor, reporting to {@code observing} (metrics, traces, the demo's printout). */
    public ReminderConsumer(Transport transport, MailGateway mail, ReminderSettings settings, Observing observing) {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(mail, "mail");
        Objects.requireNonNull(settings, "settings");
        // snippet consumer
        this.processor = observing.on(CommandProcessor.builder())   // listeners, trace propagation
                .handlers(new HandlerRegistry().register(TaskReminder.class, new MailTaskReminderHandler(mail)))
                .policies(settings.policies())
                .build();
        this.dispatcher = Dispatcher.builder()
                .processor(processor)
                .mappers(new MessageMappers().json(TaskReminder.class))
                .subscription(settings.subscription(transport))
                .build();
        // end consumer
    }

    /** Starts the pumps. */
    public ReminderConsumer start() {
        dispatcher.start();
        return this;
    }

    /** For health checks: each channel's status and counts. */
    public List<ChannelState> states() {
        return dispatcher.states();
    }

    /**
     * Stops the pumps, letting handlers in progress finish for up to {@code timeout}; returns false if some were
     * still busy (their messages were not acknowledged, so the broker delivers them again).
     */
    public boolean stop(Duration timeout) {
        boolean clean = dispatcher.stop(timeout);
        processor.close();
        return clean;
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }
}

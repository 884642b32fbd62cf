package dev.courier.samples.tasks;

import dev.courier.Producers;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.OutboxSweeper;
import dev.courier.spi.Outbox;
import dev.courier.store.jdbc.JdbcOutbox;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * The API side of the tasks sample, wired: a JDBC outbox in the application's database, a command processor that
 * posts {@link TaskReminder}s through it, a sweeper for what could not be sent at once, and the HTTP API.
 */
public final class TaskApiApplication implements AutoCloseable {
    /**
     * The sample's tables.
     *
     * @param outbox    the outbox table
     * @param reminders the business table
     */
    public record Tables(String outbox, String reminders) {
        /** {@code tasks_outbox} and {@code task_reminders}. */
        public static final Tables DEFAULT = new Tables("tasks_outbox", "task_reminders");

        public Tables {
            Objects.requireNonNull(outbox, "outbox");
            Objects.requireNonNull(reminders, "reminders");
        }
    }

    private final CommandProcessor processor;
    private final Outbox outbox;
    private final OutboxSweeper sweeper;
    private final ReminderService reminders;
    private final TaskApi api;

    private TaskApiApplication(CommandProcessor processor, Outbox outbox, OutboxSweeper sweeper,
            ReminderService reminders, TaskApi api) {
        this.processor = processor;
        this.outbox = outbox;
        this.sweeper = sweeper;
        this.reminders = reminders;
        this.api = api;
    }

    /** Starts the API on {@code port} (0: any free port) over {@code infrastructure}. */
    public static TaskApiApplication start(TasksInfrastructure infrastructure, int port) {
        return start(infrastructure, port, Tables.DEFAULT, Observing.NONE);
    }

    /**
     * As {@link #start(TasksInfrastructure, int)}, on {@code tables}, reporting to {@code observing} (metrics,
     * traces, the demo's printout).
     */
    public static TaskApiApplication start(TasksInfrastructure infrastructure, int port, Tables tables,
            Observing observing) {
        Objects.requireNonNull(infrastructure, "infrastructure");
        // snippet outbox
        Outbox outbox = JdbcOutbox.builder(infrastructure.dataSource())
                .table(tables.outbox()).createTables(true).build();
        Producers producers = Producers.of(infrastructure.producer());
        CommandProcessor processor = observing.on(CommandProcessor.builder())   // listeners, trace propagation
                .mappers(new MessageMappers().json(TaskReminder.class))   // topic from @Topic
                .producers(producers)
                .outbox(outbox)
                .build();
        OutboxSweeper sweeper = observing.on(OutboxSweeper.builder(outbox, producers))
                .minAge(Duration.ofSeconds(5))      // younger messages are still being sent by clearOutbox
                .interval(Duration.ofSeconds(2))
                .build()
                .start();
        // end outbox
        ReminderService reminders = new ReminderService(infrastructure.dataSource(), processor, tables.reminders());
        reminders.createTable();
        TaskApi api = TaskApi.start(new InetSocketAddress("127.0.0.1", port), reminders, observing.httpFilters());
        return new TaskApiApplication(processor, outbox, sweeper, reminders, api);
    }

    /** The API's outbox (for figures: what is outstanding). */
    public Outbox outbox() {
        return outbox;
    }

    /** The port the API listens on. */
    public int port() {
        return api.port();
    }

    public ReminderService reminders() {
        return reminders;
    }

    /** Stops the API first (no new work), then the sweeper and the processor. */
    @Override
    public void close() {
        api.close();
        sweeper.close();
        processor.close();
    }
}

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
import java.util.function.UnaryOperator;

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
    private final OutboxSweeper sweeper;
    private final ReminderService reminders;
    private final TaskApi api;

    private TaskApiApplication(CommandProcessor processor, OutboxSweeper sweeper, ReminderService reminders,
            TaskApi api) {
        this.processor = processor;
        this.sweeper = sweeper;
        this.reminders = reminders;
        this.api = api;
    }

    /** Starts the API on {@code port} (0: any free port) over {@code infrastructure}. */
    public static TaskApiApplication start(TasksInfrastructure infrastructure, int port) {
        return start(infrastructure, port, Tables.DEFAULT, UnaryOperator.identity());
    }

    /**
     * As {@link #start(TasksInfrastructure, int)}, on {@code tables}, with {@code decorateOutbox} applied to the outbox
     * (the demo uses it to print what is stored).
     */
    public static TaskApiApplication start(TasksInfrastructure infrastructure, int port, Tables tables,
            UnaryOperator<Outbox> decorateOutbox) {
        Objects.requireNonNull(infrastructure, "infrastructure");
        // snippet outbox
        Outbox outbox = decorateOutbox.apply(JdbcOutbox.builder(infrastructure.dataSource())   // the demo traces it
                .table(tables.outbox()).createTables(true).build());
        Producers producers = Producers.of(infrastructure.producer());
        CommandProcessor processor = CommandProcessor.builder()
                .mappers(new MessageMappers().json(TaskReminder.class))   // topic from @Topic
                .producers(producers)
                .outbox(outbox)
                .build();
        OutboxSweeper sweeper = OutboxSweeper.builder(outbox, producers)
                .minAge(Duration.ofSeconds(5))      // younger messages are still being sent by clearOutbox
                .interval(Duration.ofSeconds(2))
                .build()
                .start();
        // end outbox
        ReminderService reminders = new ReminderService(infrastructure.dataSource(), processor, tables.reminders());
        reminders.createTable();
        TaskApi api = TaskApi.start(new InetSocketAddress("127.0.0.1", port), reminders);
        return new TaskApiApplication(processor, sweeper, reminders, api);
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

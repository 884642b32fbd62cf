package dev.courier.samples.tasks;

import dev.courier.ChannelState;
import dev.courier.mapping.MessageMappers;
import dev.courier.samples.trace.Trace;
import dev.courier.samples.trace.TraceListener;
import dev.courier.spi.Outbox;
import dev.courier.transport.inmemory.DeadLetter;
import dev.courier.transport.inmemory.InMemoryBroker;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * The demo that {@code mvn -q -Pdemo -pl samples -am verify -DskipTests} runs: the tasks sample on embedded defaults
 * (in-memory broker, H2 outbox, API and consumer in this JVM), four reminders posted over HTTP, every step each
 * message takes printed, one reminder retried and one dead-lettered on purpose, then a summary. Ends by itself.
 * {@link #run(PrintStream, Observing, Observing)} with metrics and traces switched on is
 * {@code dev.courier.samples.observe.ObservedTasksDemo}.
 */
public final class TasksDemo {
    static final String FLAKY = "grace@example.com";       // the gateway fails its first attempt
    static final String BOUNCING = "nobody@bounce.invalid"; // the gateway fails every attempt

    private record Reminder(String task, String name, String recipient) {}

    private static final List<Reminder> REMINDERS = List.of(
            new Reminder("1", "Water the plants", "ada@example.com"),
            new Reminder("2", "Pay the rent", FLAKY),
            new Reminder("3", "Renew the passport", "alan@example.com"),
            new Reminder("4", "Call the bank", BOUNCING));

    private TasksDemo() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        boolean ok = run(out, Observing.NONE, Observing.NONE);
        System.exit(ok ? 0 : 1);
    }

    /**
     * Runs the demo, printing to {@code out}; the API side also reports to {@code api}, the consumer side to
     * {@code consumer} (metrics, traces). Returns whether every reminder was settled and the stop was clean.
     */
    public static boolean run(PrintStream out, Observing api, Observing consumer) throws Exception {
        out.println();
        out.println("Courier demo: a task API posts reminder commands; a consumer mails them.");
        out.println("Embedded defaults: in-memory broker and H2 database, API and consumer in this JVM (nothing to install).");
        out.println("The fake mail gateway fails once for " + FLAKY + " and always for " + BOUNCING + ".");
        out.println();

        MessageMappers mappers = new MessageMappers().json(TaskReminder.class);
        Trace trace = new Trace(out, message -> {
            TaskReminder reminder = (TaskReminder) mappers.toRequest(message, List.of(TaskReminder.class));
            return new Trace.Named(reminder.taskName(), reminder.recipient());
        });
        ReminderSettings settings = new ReminderSettings(3, Duration.ofMillis(100), 2, Duration.ofSeconds(1), 2);
        FakeMailGateway gateway = new FakeMailGateway(
                (recipient, attempt) -> recipient.equals(BOUNCING) || (recipient.equals(FLAKY) && attempt == 1));
        MailGateway tracedMail = (to, subject, text) -> {
            try {
                gateway.send(to, subject, text);
                trace.event(to, "handled: mail sent to " + to);
            } catch (MailGatewayException e) {
                trace.event(to, "handler failed: " + e.getMessage());
                throw e;
            }
        };

        InMemoryBroker broker = InMemoryBroker.create();
        TraceListener printing = new TraceListener(trace);   // every step of every message, printed
        try (TasksInfrastructure embedded = TasksInfrastructure.embedded(broker)) {
            ReminderConsumer reminderConsumer = new ReminderConsumer(embedded.transport(), tracedMail, settings,
                    consumer.and(printing)).start();
            TaskApiApplication taskApi = TaskApiApplication.start(embedded, 0, TaskApiApplication.Tables.DEFAULT,
                    api.and(printing));

            postReminders(taskApi.port(), trace);

            boolean finished = awaitOutcome(reminderConsumer, Duration.ofSeconds(20));
            if (!finished) {
                out.println("The demo did not finish within 20 s: " + reminderConsumer.states());
            }

            out.println();
            trace.note("Ctrl-C would do the same: stop the API, then dispatcher.stop(5 s) lets handlers finish");
            taskApi.close();
            boolean clean = reminderConsumer.stop(Duration.ofSeconds(5));
            trace.note(clean ? "stopped cleanly" : "stopped; a handler was cut short (its message was not acknowledged)");

            summary(out, broker, reminderConsumer.states(), taskApi.outbox(), taskApi.reminders().count(), gateway,
                    clean);
            return finished && clean;
        }
    }

    /** Posts each reminder to the API, as a client would, printing the request and the answer. */
    private static void postReminders(int port, Trace trace) throws java.io.IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (Reminder reminder : REMINDERS) {
            String body = "{\"taskName\":\"" + reminder.name() + "\",\"due\":\"2030-01-01T09:00:00Z\","
                    + "\"recipient\":\"" + reminder.recipient() + "\"}";
            trace.note("POST /tasks/" + reminder.task() + "/reminders  \"" + reminder.name() + "\" for "
                    + reminder.recipient());
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/tasks/" + reminder.task() + "/reminders"))
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            trace.note("  answered HTTP " + response.statusCode() + " " + response.body());
        }
    }

    /** Waits until the dispatcher has settled every reminder: all but one acknowledged, one dead-lettered. */
    private static boolean awaitOutcome(ReminderConsumer consumer, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            ChannelState state = consumer.states().get(0);
            if (state.acknowledged() >= REMINDERS.size() - 1 && state.deadLettered() >= 1) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private static void summary(PrintStream out, InMemoryBroker broker, List<ChannelState> states, Outbox outbox,
            long rows, FakeMailGateway gateway, boolean clean) {
        ChannelState state = states.stream().filter(s -> s.channel().equals(TaskReminder.TOPIC)).findFirst()
                .orElseThrow();
        List<DeadLetter> dead = broker.deadLetters(TaskReminder.TOPIC);
        out.println();
        out.println("Summary");
        out.println("  Posted   " + REMINDERS.size() + " reminders over HTTP, each answered 202 at once. Each task row and its");
        out.println("           outbox message were written in one H2 transaction (" + rows + " rows).");
        out.println("  Sent     every message to the broker right after its commit (clearOutbox); "
                + outbox.outstandingCount() + " left in the outbox.");
        out.println("  Handled  " + state.acknowledged() + " handled and acknowledged. \"Pay the rent\" failed once and succeeded on the");
        out.println("           handler's retry policy (@UsePolicy(\"mail-retry\")): " + gateway.attempts(FLAKY)
                + " gateway calls in one handling.");
        out.println("  Dead     " + state.deadLettered() + " dead-lettered. \"Call the bank\" failed all " + gateway.attempts(BOUNCING)
                + " gateway calls: 3 attempts per handling,");
        out.println("           requeued " + state.requeued() + " times by the pump (requeueCount 2, 1 s apart), then moved to the dead");
        out.println("           letters" + (dead.isEmpty() ? "." : " with reason '" + dead.get(0).reason().reason()
                + "' (an operator can inspect and re-post it)."));
        out.println("  Mails    " + gateway.sent().size() + " mails sent by the fake gateway.");
        out.println("  Stopped  " + (clean ? "gracefully: the pumps finished what they held; nothing was lost."
                : "with a handler cut short; its message was not acknowledged and would be delivered again."));
        out.println();
        out.println("Next: docs/getting-started.md explains this code; the README shows how to run the same sample on"
                + " RabbitMQ and PostgreSQL as two processes.");
    }
}

package dev.courier.samples.tasks;

import dev.courier.RequestHandler;
import dev.courier.steps.RequestLogging;
import dev.courier.steps.UsePolicy;
import java.util.Objects;

/**
 * Mails a task reminder. Its pipeline, outermost first:
 * <ol>
 *   <li>{@code @RequestLogging}: logs each handling with its duration, retries included;</li>
 *   <li>{@code @UsePolicy("mail-breaker")}: a circuit breaker around the retries, so that it counts one failure per
 *       handling that failed after all its attempts, and when the gateway is down it opens and fails handlings at
 *       once (the pump then requeues them) instead of hammering the gateway;</li>
 *   <li>{@code @UsePolicy("mail-retry")}: a few quick attempts for a gateway that fails now and then.</li>
 * </ol>
 * What still fails goes back to the {@link dev.courier.runtime.Dispatcher}'s pump, which requeues the message with a delay
 * and, after {@link ReminderSettings#requeueCount()} requeues, dead-letters it.
 */
public final class MailTaskReminderHandler implements RequestHandler<TaskReminder> {
    /** The retry's name in {@link dev.courier.Policies}. */
    public static final String RETRY = "mail-retry";
    /** The circuit breaker's name in {@link dev.courier.Policies}. */
    public static final String BREAKER = "mail-breaker";

    private final MailGateway mail;

    public MailTaskReminderHandler(MailGateway mail) {
        this.mail = Objects.requireNonNull(mail, "mail");
    }

    // snippet handler
    @RequestLogging(step = 1)
    @UsePolicy(value = BREAKER, step = 2)
    @UsePolicy(value = RETRY, step = 3)
    @Override
    public void handle(TaskReminder reminder) {
        mail.send(reminder.recipient(), "Reminder: " + reminder.taskName(),
                "Your task '" + reminder.taskName() + "' (" + reminder.taskId() + ") is due " + reminder.due() + ".");
    }
    // end handler
}

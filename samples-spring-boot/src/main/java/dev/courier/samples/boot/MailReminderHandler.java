package dev.courier.samples.boot;

import dev.courier.RequestHandler;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Mails a reminder (the sample logs it and counts it, as a fake gateway would). A bean: Courier registers it. */
// snippet handler
@Component
public class MailReminderHandler implements RequestHandler<TaskReminder> {
    private static final Logger LOG = LoggerFactory.getLogger(MailReminderHandler.class);
    private final Map<UUID, AtomicInteger> mailed = new ConcurrentHashMap<>();

    @Override
    public void handle(TaskReminder reminder) {
        LOG.info("Mailing {} about '{}' (task {})", reminder.recipient(), reminder.taskName(), reminder.taskId());
        mailed.computeIfAbsent(reminder.id(), id -> new AtomicInteger()).incrementAndGet();
    }

    /** How many times the reminder {@code id} was mailed. */
    public int mailed(UUID id) {
        AtomicInteger count = mailed.get(id);
        return count == null ? 0 : count.get();
    }
}
// end handler

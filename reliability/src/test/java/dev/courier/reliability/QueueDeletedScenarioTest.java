package dev.courier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.ChannelState;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.test.Await;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Scenario 16: the work queue deleted (by an operator, with {@code rabbitmqctl delete_queue}) under a running
 * Dispatcher while the business side posts through the outbox. The pump that lost its consumer declares the queue
 * again and resumes by itself; posts refused while the queue was gone stay outstanding and the sweeper sends them.
 * What the deletion itself destroyed (the messages in the queue at that instant) is counted from the broker's own
 * answer; every other message is handled.
 */
class QueueDeletedScenarioTest {
    private static final int POSTED = Scale.pick(600, 3000);
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Pattern DELETED = Pattern.compile("deleted with (\\d+)");

    @Test
    void aWorkQueueDeletedUnderARunningDispatcherComesBackAndOnlyWhatItHeldIsGone() throws Exception {
        long begun = System.nanoTime();
        try (Rig rig = new Rig()) {
            Map<UUID, AtomicInteger> handled = new ConcurrentHashMap<>();
            HandlerRegistry handlers = new HandlerRegistry().register(Work.class,
                    work -> handled.computeIfAbsent(work.id(), id -> new AtomicInteger()).incrementAndGet());
            Posting posting = new Posting(rig, POSTED, 10, true).paced(Scale.pick(100, 300));
            Thread poster = new Thread(posting, "poster");
            int deletedWithQueue;
            long resumedMillis;
            try (CommandProcessor consuming = CommandProcessor.builder().mappers(rig.mappers()).handlers(handlers)
                    .producers(Producers.of(rig.producer)).build();
                    Dispatcher dispatcher = Dispatcher.builder().processor(consuming)
                            .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                            .subscription(rig.subscription().performers(2).prefetch(20).build()).build().start()) {
                rig.startSweeper(Duration.ofSeconds(1));
                poster.start();
                Await.until(WAIT, "a third posted", () -> posting.committed.size() >= POSTED / 3);
                String answer = Services.ctl("delete_queue", rig.topic);
                long deletedAt = System.nanoTime();
                Matcher count = DELETED.matcher(answer);
                assertThat(count.find()).as("rabbitmqctl's answer names the count: " + answer).isTrue();
                deletedWithQueue = Integer.parseInt(count.group(1));
                int before = handled.size();
                Await.until(WAIT, () -> "handling to resume after the deletion: " + dispatcher.state(rig.topic),
                        () -> handled.size() > before + 10
                                && dispatcher.state(rig.topic).status() == ChannelState.Status.RUNNING);
                resumedMillis = Duration.ofNanos(System.nanoTime() - deletedAt).toMillis();
                poster.join(WAIT.toMillis());
                assertThat(posting.failure()).isNull();
                Await.until(WAIT, () -> "the rest handled: " + handled.size() + " of " + posting.committed.size()
                        + " (" + deletedWithQueue + " deleted with the queue), outstanding " + rig.outstanding(),
                        () -> rig.outstanding() == 0
                                && handled.size() >= posting.committed.size() - deletedWithQueue - 2 * 20
                                && Services.queueCounts(rig.topic)[0] == 0 && Services.queueCounts(rig.topic)[1] == 0);
            }
            long missing = posting.committed.stream().filter(id -> !handled.containsKey(id)).count();
            long duplicates = handled.values().stream().mapToLong(n -> n.get() - 1).sum();
            new Figures("16 work queue deleted under a running Dispatcher", posting.attempted.get(),
                    rig.outboxRows().values().stream().filter(d -> d).count(), handled.size(),
                    Math.max(0, missing - deletedWithQueue - 40), duplicates, rig.deadLetters(),
                    Duration.ofNanos(System.nanoTime() - begun), "not handled: " + missing + ", all destroyed by the "
                            + "deletion itself (ready messages deleted, from rabbitmqctl's answer: " + deletedWithQueue
                            + "; plus unacknowledged ones its consumers held, at most 40); handling resumed " + resumedMillis
                            + " ms after the deletion; immediate sends refused while it was gone: "
                            + posting.sendFailures.get() + " (swept later)").report();
            // The broker counts only the ready messages it deleted; the unacknowledged ones its consumers held (at
            // most performers x prefetch, 2 x 20) went with the queue too, unless a handler had already run.
            assertThat(missing).as("not handled, beyond what the deletion destroyed").isLessThanOrEqualTo(
                    deletedWithQueue + 2 * 20);
            // A message handled but not yet acknowledged when its queue vanished was handled; nothing comes back.
            assertThat(duplicates).as("duplicates").isZero();
        }
    }
}

package dev.courier.samples.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The demo the README's first command runs: it must finish by itself, fast, and tell the whole story. */
class TasksDemoTest {

    @Test
    void theDemoShowsEveryStepRetriesOneDeadLettersOneAndEndsWithASummaryWithinThirtySeconds() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        long start = System.nanoTime();

        boolean ok = TasksDemo.run(new PrintStream(buffer, true, StandardCharsets.UTF_8), Observing.NONE,
                Observing.NONE);

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String output = buffer.toString(StandardCharsets.UTF_8);
        assertThat(ok).as(output).isTrue();
        assertThat(took).isLessThan(Duration.ofSeconds(30));
        assertThat(output)
                .contains("#1 Water the plants", "posted: stored in the outbox", "the broker confirmed it",
                        "received by a pump", "handled: mail sent to ada@example.com", "acknowledged: done",
                        "marked dispatched", "answered HTTP 202")
                .contains("handler failed: mail gateway unavailable for grace@example.com (attempt 1)",
                        "handled: mail sent to grace@example.com")
                .contains("requeued, back in 1000 ms", "DEAD-LETTERED (handler-failed) after 3 handlings")
                .contains("Summary", "3 handled and acknowledged", "1 dead-lettered", "0 left in the outbox",
                        "failed all 9 gateway calls", "Stopped  gracefully");
        assertThat(output).doesNotContain("Exception", "WARN", "ERROR");
    }
}

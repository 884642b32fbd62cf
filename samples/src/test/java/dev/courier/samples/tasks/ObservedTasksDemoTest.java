package dev.courier.samples.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.samples.observe.ObservedTasksDemo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo with metrics and tracing switched on: it prints a trace per reminder and the meters that match them. */
class ObservedTasksDemoTest {

    @Test
    void theObservedDemoPrintsATraceTreePerReminderAndTheMeters() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        boolean ok = ObservedTasksDemo.run(new PrintStream(buffer, true, StandardCharsets.UTF_8));

        String output = buffer.toString(StandardCharsets.UTF_8);
        assertThat(ok).as(output).isTrue();
        String traces = output.substring(output.indexOf("Traces:"), output.indexOf("Meters recorded"));
        assertThat(traces.split("\ntrace ", -1)).as(traces).hasSize(5);       // the heading, then four trees
        assertThat(traces.split("  POST /tasks/\\{id}/reminders  \\[server", -1)).hasSize(5);
        assertThat(traces.split("\n    └ courier post task.reminder  \\[producer", -1)).hasSize(5);
        assertThat(traces.split("\n      └ courier send task.reminder  \\[producer", -1)).hasSize(5);
        assertThat(traces.split("\n      └ courier handle task.reminder  \\[consumer", -1)).hasSize(7); // 3 handled at once, 3 handlings of the bounce
        assertThat(traces).contains("dead-lettered, ERROR: mail gateway unavailable for nobody@bounce.invalid");
        assertThat(output)
                .contains("courier.consumer.messages(COUNTER)[channel='task.reminder', event='acknowledged']; count=3.0")
                .contains("courier.consumer.dead-letters(COUNTER)[channel='task.reminder', reason='handler-failed']; "
                        + "count=1.0")
                .contains("courier.outbox.messages(COUNTER)[event='dispatched', topic='task.reminder']; count=4.0");
    }
}

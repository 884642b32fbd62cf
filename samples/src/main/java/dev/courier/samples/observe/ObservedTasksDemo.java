package dev.courier.samples.observe;

import dev.courier.samples.tasks.TasksDemo;
import java.io.PrintStream;

/**
 * The tasks demo with metrics and tracing switched on: {@code mvn -q -Pdemo -pl samples -am verify -DskipTests
 * -Ddemo.main=dev.courier.samples.observe.ObservedTasksDemo}. After the demo's own story it prints each reminder's
 * trace (HTTP request, post, send, handling, the handler's retries) and the meters Courier recorded.
 */
public final class ObservedTasksDemo {
    private ObservedTasksDemo() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(System.out) ? 0 : 1);
    }

    /** Runs the demo with telemetry, printing the story, the traces and the meters to {@code out}. */
    public static boolean run(PrintStream out) throws Exception {
        try (SampleTelemetry telemetry = new SampleTelemetry()) {
            boolean ok = TasksDemo.run(out, telemetry.observing(true), telemetry.observing(false));
            out.println();
            out.println("Traces: OpenTelemetry spans made through Micrometer Tracing, one trace per reminder");
            out.print(SpanTrees.render(telemetry.spans()));
            out.println();
            out.println("Meters recorded by CourierMetrics (Micrometer)");
            out.print(telemetry.registry().getMetersAsString());
            out.println();
            return ok;
        }
    }
}

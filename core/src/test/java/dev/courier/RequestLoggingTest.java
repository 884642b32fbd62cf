package dev.courier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.runtime.CommandProcessor;
import dev.courier.steps.RequestLogging;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What {@link RequestLogging} writes, read back from the SLF4J back end of the tests (slf4j-simple, which writes to
 * {@code System.err}; core's pom sets the {@code dev.courier.steps.RequestLogging} logger to INFO).
 */
class RequestLoggingTest {
    record Ship(UUID id, String address) implements Command {}

    static final class Shipper implements RequestHandler<Ship> {
        @Override
        @RequestLogging(step = 1)
        public void handle(Ship ship) {
            if (ship.address().startsWith("nowhere")) {
                throw new IllegalStateException("no such address");
            }
        }
    }

    static final class Counter implements RequestHandler<Ship> {
        @Override
        @RequestLogging(step = 1, timing = HandlerTiming.AFTER)
        public void handle(Ship ship) {}
    }

    @Test
    void aBeforeStepLogsEntryExitWithTheElapsedTimeAndAFailureWithItsCauseButNeverTheRequestsContent() {
        Ship delivered = new Ship(Request.newId(), "221B Baker Street");
        Ship lost = new Ship(Request.newId(), "nowhere at all");
        String log = capturedErr(() -> {
            try (CommandProcessor processor = CommandProcessor.builder()
                    .handlers(new HandlerRegistry().register(Ship.class, new Shipper())).build()) {
                processor.send(delivered);
                assertThatThrownBy(() -> processor.send(lost)).isInstanceOf(IllegalStateException.class);
            }
        });
        assertThat(log)
                .contains("dev.courier.steps.RequestLogging - Shipper handling Ship " + delivered.id())
                .containsPattern("Shipper handled Ship " + delivered.id() + " in \\d+ ms")
                .contains("Shipper handling Ship " + lost.id())
                .containsPattern("Shipper failed Ship " + lost.id()
                        + " after \\d+ ms: java.lang.IllegalStateException: no such address")
                .doesNotContain("Baker").doesNotContain("nowhere at all");
    }

    @Test
    void anAfterStepLogsOnceTheHandlerReturned() {
        Ship ship = new Ship(Request.newId(), "10 Downing Street");
        String log = capturedErr(() -> {
            try (CommandProcessor processor = CommandProcessor.builder()
                    .handlers(new HandlerRegistry().register(Ship.class, new Counter())).build()) {
                processor.send(ship);
            }
        });
        assertThat(log).contains("Counter handled Ship " + ship.id()).doesNotContain("Counter handling");
    }

    /** What {@code action} wrote to {@code System.err}, which slf4j-simple looks up on every write. */
    private static String capturedErr(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}

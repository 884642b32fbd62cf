package dev.courier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.pipeline.HandlerStep;
import dev.courier.pipeline.Step;
import dev.courier.pipeline.StepContext;
import dev.courier.pipeline.StepFactory;
import dev.courier.runtime.CommandProcessor;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The order steps run in, and that the steps are built once and shared. */
class PipelineOrderTest {

    record Ping(UUID id) implements Command {
        Ping() {
            this(Request.newId());
        }
    }

    /** A step that writes "label>" on entry and "<label" on the way out into the log its factory holds. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @Repeatable(Recorded.List.class)
    @Step(factory = Recorded.Unused.class)
    public @interface Recorded {
        String value();

        int step();

        HandlerTiming timing() default HandlerTiming.BEFORE;

        @Retention(RetentionPolicy.RUNTIME)
        @Target(ElementType.METHOD)
        @interface List {
            Recorded[] value();
        }

        /** Each test hands the processor its own {@link Log} instead. */
        final class Unused implements StepFactory<Recorded> {
            @Override
            public HandlerStep create(Recorded annotation, StepContext context) {
                throw new IllegalStateException("register a Log with stepFactory(Recorded.class, log)");
            }
        }
    }

    /** Builds recording steps and counts how often it was asked to. */
    static final class Log implements StepFactory<Recorded> {
        final List<String> entries = new CopyOnWriteArrayList<>();
        final List<String> built = new CopyOnWriteArrayList<>();

        @Override
        public HandlerStep create(Recorded annotation, StepContext context) {
            built.add(context.handlerType().getSimpleName() + ":" + annotation.value() + ":" + context.step());
            String label = annotation.value();
            return (request, requestContext, next) -> {
                entries.add(label + ">");
                next.proceed(request, requestContext);
                entries.add("<" + label);
            };
        }
    }

    /** Steps declared out of order on purpose. */
    static final class OrderedHandler implements RequestHandler<Ping> {
        private final List<String> log;

        OrderedHandler(List<String> log) {
            this.log = log;
        }

        @Override
        @Recorded(value = "after-5", step = 5, timing = HandlerTiming.AFTER)
        @Recorded(value = "before-3", step = 3)
        @Recorded(value = "after-4", step = 4, timing = HandlerTiming.AFTER)
        @Recorded(value = "before-1", step = 1)
        @Recorded(value = "before-2", step = 2, timing = HandlerTiming.BEFORE)
        public void handle(Ping request) {
            log.add("handler");
        }
    }

    @Test
    void beforeStepsWrapTheHandlerByAscendingStepAndAfterStepsFollowItByAscendingStep() {
        Log log = new Log();
        try (CommandProcessor processor = CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Ping.class, new OrderedHandler(log.entries)))
                .stepFactory(Recorded.class, log)
                .build()) {
            processor.send(new Ping());
        }
        assertThat(log.entries).containsExactly(
                "before-1>", "before-2>", "before-3>", "handler",
                "after-4>", "after-5>", "<after-5", "<after-4",
                "<before-3", "<before-2", "<before-1");
    }

    @Test
    void afterStepsDoNotRunWhenTheHandlerFails() {
        Log log = new Log();
        try (CommandProcessor processor = CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Ping.class, new FailingHandler()))
                .stepFactory(Recorded.class, log)
                .build()) {
            assertThatThrownBy(() -> processor.send(new Ping())).hasMessage("handler failed");
        }
        assertThat(log.entries).containsExactly("before-1>");
    }

    static final class FailingHandler implements RequestHandler<Ping> {
        @Override
        @Recorded(value = "before-1", step = 1)
        @Recorded(value = "after-2", step = 2, timing = HandlerTiming.AFTER)
        public void handle(Ping request) {
            throw new IllegalStateException("handler failed");
        }
    }

    @Test
    void eachPipelineIsBuiltOnceWhenTheProcessorIsBuiltNotPerSend() {
        Log log = new Log();
        HandlerRegistry registry = new HandlerRegistry()
                .register(Ping.class, new OrderedHandler(log.entries))
                .register(Pong.class, PongHandler.class);
        try (CommandProcessor processor = CommandProcessor.builder()
                .handlers(registry).stepFactory(Recorded.class, log).build()) {
            assertThat(log.built).containsExactlyInAnyOrder(
                    "OrderedHandler:before-1:1", "OrderedHandler:before-2:2", "OrderedHandler:before-3:3",
                    "OrderedHandler:after-4:4", "OrderedHandler:after-5:5", "PongHandler:pong:7");
            for (int i = 0; i < 5; i++) {
                processor.send(new Ping());
                processor.send(new Pong(Request.newId()));
            }
        }
        assertThat(log.built).hasSize(6);
        assertThat(log.entries).filteredOn("pong>"::equals).hasSize(5);
    }

    record Pong(UUID id) implements Command {}

    /** Registered by type: created per handling, but its pipeline is still built once. */
    public static final class PongHandler implements RequestHandler<Pong> {
        @Override
        @Recorded(value = "pong", step = 7)
        public void handle(Pong request) {}
    }
}

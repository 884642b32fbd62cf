package dev.courier.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.ChainContractException;
import dev.courier.Command;
import dev.courier.ContextualHandler;
import dev.courier.HandlerRegistry;
import dev.courier.HandlerTiming;
import dev.courier.Request;
import dev.courier.RequestContext;
import dev.courier.RequestHandler;
import dev.courier.runtime.CommandProcessor;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A user's own step annotation, defined here without touching core, and the chain contract steps must keep. */
class CustomStepTest {

    record Transfer(UUID id, long cents) implements Command {
        Transfer(long cents) {
            this(Request.newId(), cents);
        }
    }

    record OtherCommand(UUID id) implements Command {}

    /** Puts the audit area into the context, for the handler to read. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @Step(factory = AuditedFactory.class)
    @interface Audited {
        String value();

        int step();
    }

    /** Built reflectively through {@code @Step(factory = ...)}: needs a no-argument constructor. */
    static final class AuditedFactory implements StepFactory<Audited> {
        @Override
        public HandlerStep create(Audited annotation, StepContext context) {
            String area = annotation.value();
            return (request, requestContext, next) -> {
                requestContext.put("audit.area", area);
                next.proceed(request, requestContext);
            };
        }
    }

    static final class AuditedHandler implements ContextualHandler<Transfer> {
        final AtomicReference<Optional<String>> area = new AtomicReference<>();

        @Override
        @Audited(value = "payments", step = 1)
        public void handle(Transfer transfer, RequestContext context) {
            area.set(context.get("audit.area", String.class));
        }
    }

    @Test
    void aUserAnnotationWorksThroughTheFactoryItsStepMetaAnnotationNames() {
        AuditedHandler handler = new AuditedHandler();
        try (CommandProcessor processor = CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Transfer.class, handler)).build()) {
            processor.send(new Transfer(100));
        }
        assertThat(handler.area.get()).hasValue("payments");
    }

    @Test
    void aFactoryGivenToTheBuilderReplacesTheOneTheAnnotationNames() {
        List<String> audited = new CopyOnWriteArrayList<>();
        StepFactory<Audited> factory = (annotation, context) -> (request, requestContext, next) -> {
            audited.add(annotation.value() + ":" + context.handlerType().getSimpleName() + ":"
                    + context.requestType().getSimpleName() + ":" + context.step());
            next.proceed(request, requestContext);
        };
        AuditedHandler handler = new AuditedHandler();
        try (CommandProcessor processor = CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Transfer.class, handler))
                .stepFactory(Audited.class, factory)
                .build()) {
            processor.send(new Transfer(100));
        }
        assertThat(audited).containsExactly("payments:AuditedHandler:Transfer:1");
        assertThat(handler.area.get()).as("the @Step factory was not used").isEmpty();
    }

    /** Counts how often pipelines with it were built. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @Step(factory = CountedFactory.class)
    @interface Counted {
        int step();

        HandlerTiming timing() default HandlerTiming.AFTER;
    }

    static final class CountedFactory implements StepFactory<Counted> {
        @Override
        public HandlerStep create(Counted annotation, StepContext context) {
            throw new IllegalStateException("the test registers its own");
        }
    }

    static final class CountedHandler implements RequestHandler<Transfer> {
        final AtomicInteger runs = new AtomicInteger();

        @Override
        @Counted(step = 1)
        public void handle(Transfer transfer) {
            runs.incrementAndGet();
        }
    }

    @Test
    void aStepFactoryIsCalledOnceWhenTheProcessorIsBuiltAndItsStepOncePerSend() {
        AtomicInteger built = new AtomicInteger();
        AtomicInteger stepRuns = new AtomicInteger();
        StepFactory<Counted> factory = (annotation, context) -> {
            built.incrementAndGet();
            return (request, requestContext, next) -> {
                stepRuns.incrementAndGet();
                next.proceed(request, requestContext);
            };
        };
        CountedHandler handler = new CountedHandler();
        try (CommandProcessor processor = CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Transfer.class, handler))
                .stepFactory(Counted.class, factory)
                .build()) {
            assertThat(built).hasValue(1);
            for (int i = 0; i < 10; i++) {
                processor.send(new Transfer(i));
            }
        }
        assertThat(built).hasValue(1);
        assertThat(stepRuns).hasValue(10);
        assertThat(handler.runs).hasValue(10);
    }

    /** A step that misbehaves in the way its annotation says. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @Step(factory = BreakerFactory.class)
    @interface BreaksContract {
        Breach value();

        int step();

        HandlerTiming timing() default HandlerTiming.BEFORE;

        /** The same step under a second name, to put two on one handler. */
        @Retention(RetentionPolicy.RUNTIME)
        @Target(ElementType.METHOD)
        @Step(factory = AgainFactory.class)
        @interface Again {
            Breach value();

            int step();

            HandlerTiming timing() default HandlerTiming.BEFORE;
        }
    }

    static final class AgainFactory implements StepFactory<BreaksContract.Again> {
        @Override
        public HandlerStep create(BreaksContract.Again annotation, StepContext context) {
            return BreakerFactory.step(annotation.value());
        }
    }

    public enum Breach { NULL_REQUEST, OTHER_TYPE, NULL_CONTEXT, NONE }

    static final class BreakerFactory implements StepFactory<BreaksContract> {
        @Override
        public HandlerStep create(BreaksContract annotation, StepContext context) {
            return step(annotation.value());
        }

        static HandlerStep step(Breach breach) {
            return (request, requestContext, next) -> {
                switch (breach) {
                    case NULL_REQUEST -> next.proceed(null, requestContext);
                    case OTHER_TYPE -> next.proceed(new OtherCommand(request.id()), requestContext);
                    case NULL_CONTEXT -> next.proceed(request, null);
                    case NONE -> next.proceed(request, requestContext);
                }
            };
        }
    }

    static final class NullRequest implements RequestHandler<Transfer> {
        final AtomicInteger runs = new AtomicInteger();

        @Override
        @BreaksContract(value = Breach.NULL_REQUEST, step = 1)
        @Audited(value = "x", step = 2)
        public void handle(Transfer transfer) {
            runs.incrementAndGet();
        }
    }

    static final class OtherType implements RequestHandler<Transfer> {
        final AtomicInteger runs = new AtomicInteger();

        @Override
        @Audited(value = "x", step = 1)
        @BreaksContract(value = Breach.OTHER_TYPE, step = 2)
        public void handle(Transfer transfer) {
            runs.incrementAndGet();
        }
    }

    static final class NullContext implements RequestHandler<Transfer> {
        final AtomicInteger runs = new AtomicInteger();

        @Override
        @BreaksContract(value = Breach.NULL_CONTEXT, step = 3)
        public void handle(Transfer transfer) {
            runs.incrementAndGet();
        }
    }

    static final class AfterStepNullRequest implements RequestHandler<Transfer> {
        final AtomicInteger runs = new AtomicInteger();

        @Override
        @BreaksContract(value = Breach.NONE, step = 1, timing = HandlerTiming.AFTER)
        @BreaksContract.Again(value = Breach.NULL_REQUEST, step = 2, timing = HandlerTiming.AFTER)
        public void handle(Transfer transfer) {
            runs.incrementAndGet();
        }
    }

    private static void assertBreachIsReported(RequestHandler<Transfer> handler, AtomicInteger runs,
            int expectedRuns, String... expected) {
        try (CommandProcessor processor = CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Transfer.class, handler)).build()) {
            assertThatThrownBy(() -> processor.send(new Transfer(1)))
                    .isInstanceOf(ChainContractException.class)
                    .hasMessageContainingAll(expected);
        }
        assertThat(runs).hasValue(expectedRuns);
    }

    @Test
    void aStepThatProceedsWithANullRequestIsNamedInTheError() {
        NullRequest handler = new NullRequest();
        assertBreachIsReported(handler, handler.runs, 0,
                "@BreaksContract(step 1) on " + NullRequest.class.getName(), "null request");
    }

    @Test
    void aStepThatProceedsWithAnotherRequestTypeIsNamedInTheError() {
        OtherType handler = new OtherType();
        assertBreachIsReported(handler, handler.runs, 0,
                "@BreaksContract(step 2) on " + OtherType.class.getName(), OtherCommand.class.getName(),
                Transfer.class.getName());
    }

    @Test
    void aStepThatProceedsWithoutTheContextIsNamedInTheError() {
        NullContext handler = new NullContext();
        assertBreachIsReported(handler, handler.runs, 0,
                "@BreaksContract(step 3) on " + NullContext.class.getName(), "null context");
    }

    @Test
    void theLastAfterStepIsHeldToTheContractToo() {
        AfterStepNullRequest handler = new AfterStepNullRequest();
        assertBreachIsReported(handler, handler.runs, 1,
                "@Again(step 2) on " + AfterStepNullRequest.class.getName(), "null request");
    }
}

package dev.courier.benchmarks;

import dev.courier.Command;
import dev.courier.HandlerRegistry;
import dev.courier.Request;
import dev.courier.RequestHandler;
import dev.courier.micrometer.CourierMetrics;
import dev.courier.pipeline.HandlerStep;
import dev.courier.pipeline.Step;
import dev.courier.pipeline.StepContext;
import dev.courier.pipeline.StepFactory;
import dev.courier.runtime.CommandProcessor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code CommandProcessor.send} of a record command to a no-op handler through a two-step pipeline (two trivial
 * pass-through custom steps), against a hand-written {@code Map<Class<?>, Consumer<?>>} dispatch to the same handler
 * in the same run. Targets: {@link #send} at most 4x {@link #baseline}'s time per op, and at most 64 bytes
 * allocated per send ({@code -prof gc}, {@code gc.alloc.rate.norm}). Those are met with no listener registered (the
 * default): the listener's zero-cost path. {@link #sendWithMetrics} shows what a listener costs when there is one
 * ({@code CourierMetrics} timing each send into a Micrometer registry).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SendBenchmark {

    /** The command: a plain record, made once so the figure is the dispatch alone. */
    public record Ping(UUID id, int value) implements Command {}

    /** A step that does nothing but pass the request on; repeatable so the handler can carry two. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @Repeatable(PassThrough.List.class)
    @Step(factory = PassThroughFactory.class)
    public @interface PassThrough {
        int step();

        /** Container for two or more {@link PassThrough}s. */
        @Retention(RetentionPolicy.RUNTIME)
        @Target(ElementType.METHOD)
        @interface List {
            PassThrough[] value();
        }
    }

    /** Builds the pass-through step. */
    public static final class PassThroughFactory implements StepFactory<PassThrough> {
        @Override
        public HandlerStep create(PassThrough annotation, StepContext context) {
            return (request, requestContext, next) -> next.proceed(request, requestContext);
        }
    }

    /** Adds the value to a sum that the benchmark returns, so the work cannot be removed as dead code. */
    public static final class NoOpHandler implements RequestHandler<Ping> {
        long sum;

        @Override
        @PassThrough(step = 1)
        @PassThrough(step = 2)
        public void handle(Ping ping) {
            sum += ping.value();
        }
    }

    private final Ping ping = new Ping(Request.newId(), 1);
    private NoOpHandler handler;
    private CommandProcessor processor;
    private CommandProcessor metered;
    private Map<Class<?>, Consumer<?>> dispatch;

    @Setup(Level.Trial)
    public void setUp() {
        handler = new NoOpHandler();
        processor = CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Ping.class, handler))
                .build();
        metered = CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Ping.class, handler))
                .listener(CourierMetrics.of(new SimpleMeterRegistry()))
                .build();
        dispatch = new HashMap<>();
        NoOpHandler direct = handler;
        dispatch.put(Ping.class, (Consumer<Ping>) direct::handle);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        processor.close();
        metered.close();
    }

    /** Courier: the processor's send, through both steps. */
    @Benchmark
    public long send() {
        processor.send(ping);
        return handler.sum;
    }

    /** Courier with a listener: the same send, timed and counted by CourierMetrics in a Micrometer registry. */
    @Benchmark
    public long sendWithMetrics() {
        metered.send(ping);
        return handler.sum;
    }

    /** The baseline: look the handler up by class in a HashMap and call it. */
    @Benchmark
    @SuppressWarnings("unchecked")
    public long baseline() {
        Consumer<Object> consumer = (Consumer<Object>) dispatch.get(ping.getClass());
        consumer.accept(ping);
        return handler.sum;
    }
}

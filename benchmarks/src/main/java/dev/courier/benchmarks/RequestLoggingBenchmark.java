package dev.courier.benchmarks;

import dev.courier.Command;
import dev.courier.HandlerRegistry;
import dev.courier.Request;
import dev.courier.RequestHandler;
import dev.courier.pipeline.HandlerStep;
import dev.courier.pipeline.Step;
import dev.courier.pipeline.StepContext;
import dev.courier.pipeline.StepFactory;
import dev.courier.runtime.CommandProcessor;
import dev.courier.steps.RequestLogging;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the built-in {@code @RequestLogging} step costs on a {@code send} while its level (INFO) is off, as in most
 * production set-ups, against the logging step a user would write: one custom step that asks the logger whether INFO
 * is on before it logs. Both handlers add one int to a field; everything else is the same processor path. Target:
 * {@link #requestLogging} at most 2x {@link #customLogging}'s time per op. The forks run with SLF4J's simple logger
 * at WARN.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
public class RequestLoggingBenchmark {
    /** A request with a value for the handler to add. */
    public record Ping(java.util.UUID id, int value) implements Command {}

    /** A user's own logging step. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @Step(factory = OwnLoggingFactory.class)
    public @interface OwnLogging {
        int step();
    }

    /** Logs the request's type and id at INFO when INFO is on, then proceeds. */
    public static final class OwnLoggingFactory implements StepFactory<OwnLogging> {
        private static final Logger LOG = LoggerFactory.getLogger(OwnLogging.class);

        @Override
        public HandlerStep create(OwnLogging annotation, StepContext context) {
            return (request, requestContext, next) -> {
                if (LOG.isInfoEnabled()) {
                    LOG.info("handling {} {}", request.getClass().getSimpleName(), request.id());
                }
                next.proceed(request, requestContext);
            };
        }
    }

    /** Adds the value to a sum, behind the built-in step. */
    public static final class Logged implements RequestHandler<Ping> {
        long sum;

        @Override
        @RequestLogging(step = 1)
        public void handle(Ping ping) {
            sum += ping.value();
        }
    }

    /** Adds the value to a sum, behind the user's own step. */
    public static final class OwnLogged implements RequestHandler<Ping> {
        long sum;

        @Override
        @OwnLogging(step = 1)
        public void handle(Ping ping) {
            sum += ping.value();
        }
    }

    private final Ping ping = new Ping(Request.newId(), 1);
    private Logged logged;
    private OwnLogged ownLogged;
    private CommandProcessor builtIn;
    private CommandProcessor own;

    @Setup(Level.Trial)
    public void setUp() {
        if (LoggerFactory.getLogger(RequestLogging.class).isInfoEnabled()) {
            throw new IllegalStateException("INFO is on for RequestLogging: this benchmark measures the step with it off");
        }
        logged = new Logged();
        ownLogged = new OwnLogged();
        builtIn = CommandProcessor.builder().handlers(new HandlerRegistry().register(Ping.class, logged)).build();
        own = CommandProcessor.builder().handlers(new HandlerRegistry().register(Ping.class, ownLogged)).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        builtIn.close();
        own.close();
    }

    /** The built-in {@code @RequestLogging} step, INFO off. */
    @Benchmark
    public long requestLogging() {
        builtIn.send(ping);
        return logged.sum;
    }

    /** The baseline: the user's own logging step, INFO off. */
    @Benchmark
    public long customLogging() {
        own.send(ping);
        return ownLogged.sum;
    }
}

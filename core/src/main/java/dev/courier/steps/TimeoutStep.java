package dev.courier.steps;

import dev.courier.CourierException;
import dev.courier.HandlerTimeoutException;
import dev.courier.PipelineConfigurationException;
import dev.courier.Request;
import dev.courier.RequestContext;
import dev.courier.pipeline.Rethrow;
import dev.courier.pipeline.Chain;
import dev.courier.pipeline.HandlerStep;
import dev.courier.pipeline.StepContext;
import dev.courier.pipeline.StepFactory;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The step behind {@link TimeoutPolicy}: runs the rest on the processor's executor and waits at most the limit. */
final class TimeoutStep implements HandlerStep {
    private final ExecutorService executor;
    private final Duration timeout;
    private final Class<?> handlerType;

    private TimeoutStep(ExecutorService executor, Duration timeout, Class<?> handlerType) {
        this.executor = executor;
        this.timeout = timeout;
        this.handlerType = handlerType;
    }

    @Override
    public void handle(Request request, RequestContext context, Chain next) {
        Future<?> future = executor.submit(() -> next.proceed(request, context));
        try {
            future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new HandlerTimeoutException(handlerType, request, timeout);
        } catch (ExecutionException e) {
            throw Rethrow.asItIs(e.getCause());
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new CourierException("Interrupted while waiting for " + handlerType.getName() + " to handle "
                    + request.getClass().getName() + " " + request.id());
        }
    }

    /** Checks the limit is positive. */
    static final class Factory implements StepFactory<TimeoutPolicy> {
        @Override
        public HandlerStep create(TimeoutPolicy annotation, StepContext context) {
            if (annotation.millis() <= 0) {
                throw new PipelineConfigurationException(
                        "@TimeoutPolicy millis must be positive but was " + annotation.millis());
            }
            return new TimeoutStep(context.executor(), Duration.ofMillis(annotation.millis()),
                    context.handlerType());
        }
    }
}

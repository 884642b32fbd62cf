package dev.courier.pipeline;

import dev.courier.Policies;
import dev.courier.Request;
import dev.courier.RequestHandler;
import dev.courier.spi.Inbox;
import java.time.Clock;
import java.util.concurrent.ExecutorService;

/** What a {@link StepFactory} may use to build a step for one handler. */
public interface StepContext {

    Class<? extends RequestHandler<?>> handlerType();

    Class<? extends Request> requestType();

    /** The step number the annotation declared. */
    int step();

    /** Named resilience4j retries and circuit breakers handed to the processor builder. */
    Policies policies();

    /** The inbox handed to the processor builder (an in-memory one by default). */
    Inbox inbox();

    Clock clock();

    /** Runs work that must be abandoned on a timeout; owned by the processor. */
    ExecutorService executor();
}

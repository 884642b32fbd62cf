package dev.courier.steps;

import dev.courier.HandlerTiming;
import dev.courier.Request;
import dev.courier.RequestContext;
import dev.courier.pipeline.Chain;
import dev.courier.pipeline.HandlerStep;
import dev.courier.pipeline.StepContext;
import dev.courier.pipeline.StepFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The step behind {@link RequestLogging}. Logs type, id, handler and elapsed time; never the request's content. */
final class RequestLoggingStep implements HandlerStep {
    private static final Logger LOG = LoggerFactory.getLogger(RequestLogging.class);

    private final boolean before;
    private final String handlerName;

    private RequestLoggingStep(boolean before, String handlerName) {
        this.before = before;
        this.handlerName = handlerName;
    }

    @Override
    public void handle(Request request, RequestContext context, Chain next) {
        if (!LOG.isInfoEnabled()) { // asked per request, so a level changed at run time takes effect
            next.proceed(request, context); // no clock, no names, no argument arrays while INFO is off
            return;
        }
        if (!before) {
            LOG.info("{} handled {} {}", handlerName, request.getClass().getSimpleName(), request.id());
            next.proceed(request, context);
            return;
        }
        long start = System.nanoTime();
        LOG.info("{} handling {} {}", handlerName, request.getClass().getSimpleName(), request.id());
        try {
            next.proceed(request, context);
        } catch (Exception e) {
            LOG.info("{} failed {} {} after {} ms: {}", handlerName, request.getClass().getSimpleName(), request.id(),
                    (System.nanoTime() - start) / 1_000_000, e.toString());
            throw e;
        }
        LOG.info("{} handled {} {} in {} ms", handlerName, request.getClass().getSimpleName(), request.id(),
                (System.nanoTime() - start) / 1_000_000);
    }

    /** Builds {@link RequestLoggingStep}s. */
    static final class Factory implements StepFactory<RequestLogging> {
        @Override
        public HandlerStep create(RequestLogging annotation, StepContext context) {
            return new RequestLoggingStep(annotation.timing() == HandlerTiming.BEFORE,
                    context.handlerType().getSimpleName());
        }
    }
}

package dev.courier.internal;

import dev.courier.Request;
import dev.courier.RequestContext;
import dev.courier.RequestHandler;
import dev.courier.pipeline.Chain;

/** The end of a pipeline: calls the handler with the request and its context, then runs the AFTER steps. */
final class HandlerInvoker implements Chain {
    private final Class<?> requestType;
    private final String caller;
    private final Chain after;

    /** {@code caller} is the step before the handler, whose hand-over is checked; null when that is the processor. */
    HandlerInvoker(Class<?> requestType, String caller, Chain after) {
        this.requestType = requestType;
        this.caller = caller;
        this.after = after;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void proceed(Request request, RequestContext context) {
        if (caller != null) {
            StepNode.check(request, context, requestType, caller);
        }
        ((RequestHandler) context.handler()).handle(request, context);
        if (after != null) {
            after.proceed(request, context);
        }
    }
}

package dev.courier.internal;

import dev.courier.Request;
import dev.courier.RequestContext;
import dev.courier.RequestHandler;
import dev.courier.pipeline.Chain;

/** The end of a pipeline: calls the handler with the request's context current, then runs the AFTER steps. */
final class HandlerInvoker implements Chain {
    private final Class<?> requestType;
    private final String caller;
    private final Chain after;

    HandlerInvoker(Class<?> requestType, String caller, Chain after) {
        this.requestType = requestType;
        this.caller = caller;
        this.after = after;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void proceed(Request request, RequestContext context) {
        StepNode.check(request, context, requestType, caller);
        Contexts.Slot slot = Contexts.slot();
        RequestContext previous = slot.enter(context);
        try {
            ((RequestHandler) context.handler()).handle(request);
        } finally {
            slot.leave(previous);
        }
        if (after != null) {
            after.proceed(request, context);
        }
    }
}

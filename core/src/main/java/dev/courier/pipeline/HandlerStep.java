package dev.courier.pipeline;

import dev.courier.Request;
import dev.courier.RequestContext;

/**
 * One step of a handler's pipeline. A {@code BEFORE} step wraps the handler and the steps after it: it does its
 * work and calls {@code next.proceed(request, context)}. An {@code AFTER} step runs once the handler has returned,
 * in the same way. Steps are built once per handler type and must be thread-safe.
 */
@FunctionalInterface
public interface HandlerStep {
    void handle(Request request, RequestContext context, Chain next);
}

package dev.courier.internal;

import dev.courier.HandlerCreationException;
import dev.courier.HandlerFactory;
import dev.courier.HandlerRegistry;
import dev.courier.RequestHandler;
import dev.courier.pipeline.Chain;

/** A registration with its pipeline built: how to get the handler, and the chain that leads to it. */
public final class HandlerBinding {
    private final Class<? extends RequestHandler<?>> handlerType;
    private final RequestHandler<?> instance;
    private final Chain pipeline;

    public HandlerBinding(HandlerRegistry.Registration registration, Chain pipeline) {
        this.handlerType = registration.handlerType();
        this.instance = registration.instance();
        this.pipeline = pipeline;
    }

    public Class<? extends RequestHandler<?>> handlerType() {
        return handlerType;
    }

    public Chain pipeline() {
        return pipeline;
    }

    public RequestHandler<?> acquire(HandlerFactory factory) {
        if (instance != null) {
            return instance;
        }
        RequestHandler<?> created = factory.create(handlerType);
        if (created == null || !handlerType.isInstance(created)) {
            throw new HandlerCreationException("HandlerFactory returned " + created + " for " + handlerType.getName()
                    + "; it must return an instance of that type");
        }
        return created;
    }

    public void release(HandlerFactory factory, RequestHandler<?> handler) {
        if (instance == null) {
            factory.release(handler);
        }
    }
}

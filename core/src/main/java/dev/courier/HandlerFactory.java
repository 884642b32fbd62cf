package dev.courier;

/**
 * Creates handlers registered by type, so a dependency-injection container can build them. Handlers registered as
 * instances never go through the factory.
 */
public interface HandlerFactory {

    /** Returns a handler of the given type: a new one or a shared one, as the container decides. */
    RequestHandler<?> create(Class<? extends RequestHandler<?>> handlerType);

    /** Called after every handling with what {@link #create} returned; release per-request handlers here. */
    default void release(RequestHandler<?> handler) {}

    /** A factory that calls each handler type's no-argument constructor, once per request. */
    static HandlerFactory reflective() {
        return handlerType -> {
            try {
                var constructor = handlerType.getDeclaredConstructor();
                constructor.trySetAccessible();
                return constructor.newInstance();
            } catch (ReflectiveOperationException e) {
                throw new HandlerCreationException(handlerType, e);
            }
        };
    }
}

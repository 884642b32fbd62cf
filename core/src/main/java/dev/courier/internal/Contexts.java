package dev.courier.internal;

import dev.courier.RequestContext;

/**
 * Holds the context of the handling running on each thread, for {@link RequestContext#current()}. Each thread gets
 * one mutable {@link Slot}, so entering and leaving a handling is one thread-local lookup and no allocation.
 */
public final class Contexts {
    private static final ThreadLocal<Slot> SLOTS = ThreadLocal.withInitial(Slot::new);

    private Contexts() {}

    public static RequestContext current() {
        return SLOTS.get().context;
    }

    /** This thread's slot; use it on this thread only. */
    public static Slot slot() {
        return SLOTS.get();
    }

    /** The current context of one thread. */
    public static final class Slot {
        private RequestContext context;

        private Slot() {}

        /** Makes {@code next} current and returns the context it replaces, to hand back to {@link #leave}. */
        public RequestContext enter(RequestContext next) {
            RequestContext previous = context;
            context = next;
            return previous;
        }

        /** Restores what {@link #enter} replaced (null outside any handling). */
        public void leave(RequestContext previous) {
            context = previous;
        }
    }
}

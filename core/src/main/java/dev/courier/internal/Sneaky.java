package dev.courier.internal;

/** Rethrows a throwable as it is, checked or not, so a pipeline does not change what a handler threw. */
public final class Sneaky {
    private Sneaky() {}

    public static RuntimeException rethrow(Throwable t) {
        throw Sneaky.<RuntimeException>cast(t);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T cast(Throwable t) throws T {
        throw (T) t;
    }
}

package dev.courier.pipeline;

/**
 * For steps that catch what the rest of the chain threw (a resilience4j decorator hands back a {@code Throwable}, a
 * future an {@code ExecutionException}'s cause): rethrows it exactly as it was, checked or not, so that a step
 * never changes what a handler threw.
 *
 * <pre>{@code
 * try {
 *     decorated.run();
 * } catch (Throwable t) {
 *     throw Rethrow.asItIs(t);
 * }
 * }</pre>
 */
public final class Rethrow {
    private Rethrow() {}

    /** Throws {@code t}; declared to return an exception only so that callers can write {@code throw}. */
    public static RuntimeException asItIs(Throwable t) {
        throw Rethrow.<RuntimeException>cast(t);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T cast(Throwable t) throws T {
        throw (T) t;
    }
}

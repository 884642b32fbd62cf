package dev.courier;

import java.util.List;

/**
 * One or more handlers failed during {@code publish}. Every handler ran; each failure is a suppressed exception,
 * in registration order, and {@link #failures()} lists them.
 */
public class PublishFailedException extends CourierException {
    private final transient List<Throwable> failures;

    public PublishFailedException(Class<?> eventType, int handlerCount, List<Throwable> failures) {
        super(failures.size() + " of " + handlerCount + " handlers failed handling " + eventType.getName() + ": "
                + describe(failures));
        this.failures = List.copyOf(failures);
        failures.forEach(this::addSuppressed);
    }

    public List<Throwable> failures() {
        return failures;
    }

    private static String describe(List<Throwable> failures) {
        StringBuilder text = new StringBuilder();
        for (Throwable failure : failures) {
            if (text.length() > 0) {
                text.append("; ");
            }
            text.append(failure.getClass().getSimpleName()).append(": ").append(failure.getMessage());
        }
        return text.toString();
    }
}

package dev.courier.reliability;

/**
 * How big a run is: {@code short} (the default, what every {@code mvn verify} runs, a few minutes for the whole
 * suite) or {@code full} (the figures: {@code -Dcourier.reliability.scale=full}, or
 * {@code -Preliability-full}). Each scenario picks its counts with {@link #pick(int, int)}.
 */
final class Scale {
    static final boolean FULL = "full".equalsIgnoreCase(System.getProperty("courier.reliability.scale", "short"));

    private Scale() {}

    static int pick(int shortForm, int fullForm) {
        return FULL ? fullForm : shortForm;
    }

    static String name() {
        return FULL ? "full" : "short";
    }
}

package dev.courier.reliability;

/** A class no registry names; if anything ever loads and initialises it, its static initializer says so. */
public final class Canary {
    static {
        System.setProperty("courier.reliability.canary", "loaded");
    }

    public Canary() {}
}

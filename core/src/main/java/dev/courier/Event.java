package dev.courier;

/** A fact that zero or more handlers react to: {@link dev.courier.runtime.CommandProcessor#publish(Event)}. */
public interface Event extends Request {}

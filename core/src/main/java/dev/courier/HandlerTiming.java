package dev.courier;

/** Whether a step wraps the handler ({@code BEFORE}) or runs once it has returned ({@code AFTER}). */
public enum HandlerTiming {
    BEFORE,
    AFTER
}

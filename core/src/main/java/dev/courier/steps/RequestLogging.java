package dev.courier.steps;

import dev.courier.HandlerTiming;
import dev.courier.pipeline.Step;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Logs the request type and id through SLF4J (logger {@code dev.courier.steps.RequestLogging}) at INFO: as {@code BEFORE}
 * step, on entry and with the elapsed time on exit or failure; as {@code AFTER} step, once the handler returned.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Step(factory = RequestLoggingStep.Factory.class)
public @interface RequestLogging {
    int step();

    HandlerTiming timing() default HandlerTiming.BEFORE;
}

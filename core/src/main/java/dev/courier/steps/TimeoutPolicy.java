package dev.courier.steps;

import dev.courier.pipeline.Step;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Fails the handling with {@link dev.courier.HandlerTimeoutException} when the rest of the pipeline takes longer than
 * {@link #millis()}, and interrupts it. The rest runs on a processor-owned thread while the caller waits.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Step(factory = TimeoutStep.Factory.class)
public @interface TimeoutPolicy {
    int step();

    long millis();
}

package dev.courier.steps;

import dev.courier.pipeline.Step;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the rest of the pipeline through one or more named resilience4j policies ({@code Retry} or
 * {@code CircuitBreaker}) from the {@link dev.courier.Policies} handed to the processor. With several names, the first is the
 * outermost. An unknown name fails the processor's build.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Repeatable(UsePolicy.List.class)
@Step(factory = PolicyStep.Factory.class)
public @interface UsePolicy {
    String[] value();

    int step();

    /** Lets a handler carry {@code @UsePolicy} more than once, each with its own step. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface List {
        UsePolicy[] value();
    }
}

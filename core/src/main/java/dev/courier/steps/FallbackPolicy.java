package dev.courier.steps;

import dev.courier.pipeline.Step;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Calls {@link dev.courier.RequestHandler#fallback(dev.courier.Request, Throwable)} when the rest of the pipeline fails
 * ({@link #onFailure()}) or a circuit breaker refuses the call ({@link #onOpenCircuit()}). The cause is passed to
 * the fallback and also put in the context under {@link #CAUSE_KEY}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Step(factory = FallbackStep.Factory.class)
public @interface FallbackPolicy {
    String CAUSE_KEY = "courier.fallback.cause";

    int step();

    boolean onFailure() default true;

    boolean onOpenCircuit() default true;
}

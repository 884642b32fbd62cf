package dev.courier.pipeline;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an annotation as a pipeline step and names the factory that builds it. The annotation must declare
 * {@code int step()} and may declare {@code HandlerTiming timing()} (default {@code BEFORE}):
 *
 * <pre>{@code
 * @Retention(RUNTIME) @Target(METHOD)
 * @Step(factory = AuditStepFactory.class)
 * public @interface Audited { int step(); HandlerTiming timing() default HandlerTiming.BEFORE; }
 * }</pre>
 *
 * The factory needs a no-argument constructor, or register an instance with
 * {@code CommandProcessorBuilder.stepFactory(Audited.class, factory)}. A repeatable step annotation and its
 * container must be public (the JDK's proxy for the container cannot reach a non-public element type).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.ANNOTATION_TYPE)
public @interface Step {
    Class<? extends StepFactory<?>> factory();
}

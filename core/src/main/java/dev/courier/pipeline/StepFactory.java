package dev.courier.pipeline;

import java.lang.annotation.Annotation;

/**
 * Builds the step for one annotation on one handler, when the processor is built. Throw an exception with a clear
 * message to refuse a mis-configured annotation; the processor wraps it with the handler and step number.
 *
 * @param <A> the annotation type
 */
@FunctionalInterface
public interface StepFactory<A extends Annotation> {
    HandlerStep create(A annotation, StepContext context);
}

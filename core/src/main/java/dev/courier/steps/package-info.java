/**
 * The built-in pipeline steps: put {@link dev.courier.steps.RequestLogging}, {@link dev.courier.steps.UsePolicy}
 * (resilience4j retry and circuit breaker), {@link dev.courier.steps.FallbackPolicy},
 * {@link dev.courier.steps.TimeoutPolicy} and {@link dev.courier.steps.UseInbox} on a handler's {@code handle}
 * method. They are built exactly as a step of your own is, from the {@link dev.courier.pipeline} SPI alone; the step
 * classes behind the annotations are package-private.
 */
package dev.courier.steps;

/**
 * Writing pipeline steps: a {@link dev.courier.pipeline.HandlerStep} wraps the rest of a handler's chain, an
 * annotation marked with {@link dev.courier.pipeline.Step} puts it on a handler, and a
 * {@link dev.courier.pipeline.StepFactory} builds it once per handler type.
 */
package dev.courier.pipeline;

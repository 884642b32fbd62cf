/**
 * A {@link dev.courier.CourierListener} that prints what happens to each message, for the demo. Parameters and
 * return values are never null unless documented otherwise.
 */
package dev.courier.samples.trace;

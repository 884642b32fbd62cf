/**
 * The runtime: {@link dev.courier.runtime.CommandProcessor} ({@code send}, {@code publish}, {@code post},
 * request-reply), the {@link dev.courier.runtime.Dispatcher} and its message pumps, and the
 * {@link dev.courier.runtime.OutboxSweeper}. The top of core: nothing else in Courier depends on this package.
 */
package dev.courier.runtime;

/**
 * The request model and what the runtime is configured with: requests, commands, events, replies, handlers and
 * their context, handler registration, policies, subscriptions, producers, channel states, and the exceptions. The
 * runtime that uses them is {@link dev.courier.runtime}.
 *
 * <p>Null policy for every Courier package: parameters and return values are never null unless documented as
 * nullable; public entry points check with {@link java.util.Objects#requireNonNull} and say which argument was
 * missing.
 */
package dev.courier;

/**
 * Courier's user-facing API: requests, handlers, the {@link dev.courier.CommandProcessor} and its exceptions.
 *
 * <p>Null policy for every Courier package: parameters and return values are never null unless documented as
 * nullable; public entry points check with {@link java.util.Objects#requireNonNull} and say which argument was
 * missing.
 */
package dev.courier;

/**
 * Courier's metrics on Micrometer: {@link dev.courier.micrometer.CourierMetrics}, a
 * {@link dev.courier.CourierListener} that records timers, counters and gauges (names and tags in
 * docs/observability.md).
 */
package dev.courier.micrometer;

/**
 * The tasks sample with metrics and tracing switched on: Micrometer meters and OpenTelemetry spans (through
 * Micrometer Tracing's bridge), collected in memory and printed, with a server span around each API request.
 * Parameters and return values are never null unless documented otherwise.
 */
package dev.courier.samples.observe;

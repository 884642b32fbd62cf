/**
 * For people who write transports and message stores: the producer, consumer, outbox and inbox contracts. Each
 * has a contract test suite in {@code courier-test} that an implementation extends. Nothing here depends on
 * the API package or on {@code internal}.
 */
package dev.courier.spi;

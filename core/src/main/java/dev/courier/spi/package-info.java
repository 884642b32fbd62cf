/**
 * For people who write transports and message stores: the producer, consumer, outbox and inbox contracts. Each
 * has a contract test suite in courier-core's test-jar that an implementation extends.
 */
package dev.courier.spi;

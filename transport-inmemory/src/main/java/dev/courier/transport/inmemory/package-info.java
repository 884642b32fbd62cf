/**
 * An in-process broker: topics with recipient lists, competing consumers, acknowledge / requeue with delay /
 * reject to dead letters, all under an injectable {@link java.time.Clock}. Use {@link
 * dev.courier.transport.inmemory.InMemoryTransport} as a transport, and {@link
 * dev.courier.transport.inmemory.InMemoryBroker}'s test-support methods in tests.
 */
package dev.courier.transport.inmemory;

/**
 * RabbitMQ transport over {@code com.rabbitmq:amqp-client} 5.x. Start with {@link
 * dev.courier.transport.rabbitmq.RabbitMqTransport}; docs/transport-rabbitmq.md describes topology and wire format.
 * Nothing here returns or accepts null unless documented.
 */
package dev.courier.transport.rabbitmq;

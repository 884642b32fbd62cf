/** Implementation details of the RabbitMQ transport: wire format, names, confirm tracking. Not an API. */
package dev.courier.transport.rabbitmq.internal;

package dev.courier.transport.rabbitmq;

import dev.courier.test.contract.MailboxContract;
import dev.courier.test.contract.TransportFixture;

/** The mailbox contract on a real RabbitMQ: the service's durable channel feeding the in-memory store. */
class RabbitMqMailboxContractTest extends MailboxContract {
    @Override
    protected TransportFixture createFixture() {
        return new RabbitMqTransportFixture();
    }
}

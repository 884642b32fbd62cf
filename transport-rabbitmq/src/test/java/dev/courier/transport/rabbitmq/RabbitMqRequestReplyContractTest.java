package dev.courier.transport.rabbitmq;

import dev.courier.test.contract.RequestReplyContract;
import dev.courier.test.contract.TransportFixture;

/** Request-reply and recipients over a real RabbitMQ. */
class RabbitMqRequestReplyContractTest extends RequestReplyContract {
    @Override
    protected TransportFixture createFixture() {
        return new RabbitMqTransportFixture();
    }
}

package dev.courier.transport.rabbitmq;

import dev.courier.spi.DeadLetterQueue;
import dev.courier.test.contract.DeadLetterContract;
import dev.courier.test.contract.TransportFixture;

/** The dead-letter contract on a real RabbitMQ: browse by basic.get, redrive with confirms. */
class RabbitMqDeadLetterContractTest extends DeadLetterContract {
    @Override
    protected TransportFixture createFixture() {
        return new RabbitMqTransportFixture();
    }

    @Override
    protected DeadLetterQueue deadLetterQueue(TransportFixture fixture) {
        return ((RabbitMqTransportFixture) fixture).transport().deadLetterQueue();
    }
}

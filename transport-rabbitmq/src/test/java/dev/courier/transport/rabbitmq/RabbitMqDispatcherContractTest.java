package dev.courier.transport.rabbitmq;

import dev.courier.contract.DispatcherContract;
import dev.courier.contract.TransportFixture;

/** The pump decision table, end to end through the Dispatcher on a real RabbitMQ. */
class RabbitMqDispatcherContractTest extends DispatcherContract {
    @Override
    protected TransportFixture createFixture() {
        return new RabbitMqTransportFixture();
    }
}

package dev.courier.test;

import dev.courier.spi.DeadLetterQueue;
import dev.courier.test.contract.DeadLetterContract;
import dev.courier.test.contract.TransportFixture;

/** The dead-letter contract on the in-memory broker. */
class InMemoryDeadLetterContractTest extends DeadLetterContract {
    @Override
    protected TransportFixture createFixture() {
        return new InMemoryFixture();
    }

    @Override
    protected DeadLetterQueue deadLetterQueue(TransportFixture fixture) {
        return ((InMemoryFixture) fixture).broker().deadLetterQueue();
    }
}

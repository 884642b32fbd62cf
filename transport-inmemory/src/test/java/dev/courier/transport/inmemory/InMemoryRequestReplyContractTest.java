package dev.courier.transport.inmemory;

import dev.courier.contract.RequestReplyContract;
import dev.courier.contract.TransportFixture;

/** Request-reply and recipients over the in-memory broker. */
class InMemoryRequestReplyContractTest extends RequestReplyContract {
    @Override
    protected TransportFixture createFixture() {
        return new InMemoryFixture();
    }
}

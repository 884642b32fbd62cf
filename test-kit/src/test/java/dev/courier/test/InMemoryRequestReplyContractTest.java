package dev.courier.test;

import dev.courier.test.contract.RequestReplyContract;
import dev.courier.test.contract.TransportFixture;

/** Request-reply and recipients over the in-memory broker. */
class InMemoryRequestReplyContractTest extends RequestReplyContract {
    @Override
    protected TransportFixture createFixture() {
        return new InMemoryFixture();
    }
}

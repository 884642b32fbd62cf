package dev.courier.transport.inmemory;

import dev.courier.contract.DispatcherContract;
import dev.courier.contract.TransportFixture;

/** The pump decision table, end to end on the in-memory broker under a manual clock. */
class InMemoryDispatcherContractTest extends DispatcherContract {
    @Override
    protected TransportFixture createFixture() {
        return new InMemoryFixture();
    }
}

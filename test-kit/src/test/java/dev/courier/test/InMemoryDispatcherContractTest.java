package dev.courier.test;

import dev.courier.test.contract.DispatcherContract;
import dev.courier.test.contract.TransportFixture;

/** The pump decision table, end to end on the in-memory broker under a manual clock. */
class InMemoryDispatcherContractTest extends DispatcherContract {
    @Override
    protected TransportFixture createFixture() {
        return new InMemoryFixture();
    }
}

package dev.courier.transport.inmemory;

import dev.courier.contract.TransportContract;
import dev.courier.contract.TransportFixture;

/** The in-memory transport passes the transport contract. */
class InMemoryTransportContractTest extends TransportContract {
    @Override
    protected TransportFixture createFixture() {
        return new InMemoryFixture();
    }
}

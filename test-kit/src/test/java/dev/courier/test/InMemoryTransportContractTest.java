package dev.courier.test;

import dev.courier.test.contract.TransportContract;
import dev.courier.test.contract.TransportFixture;

/** The in-memory transport passes the transport contract. */
// snippet kit-contract
class InMemoryTransportContractTest extends TransportContract {
    @Override
    protected TransportFixture createFixture() {
        return new InMemoryFixture();
    }
}
// end kit-contract

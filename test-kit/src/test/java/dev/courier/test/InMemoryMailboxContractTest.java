package dev.courier.test;

import dev.courier.test.contract.MailboxContract;
import dev.courier.test.contract.TransportFixture;

/** The mailbox contract on the in-memory transport, with the in-memory store. */
class InMemoryMailboxContractTest extends MailboxContract {
    @Override
    protected TransportFixture createFixture() {
        return new InMemoryFixture();
    }
}

package dev.courier.store;

import dev.courier.spi.MailboxStore;
import dev.courier.test.contract.MailboxStoreContract;
import java.time.Clock;

/** The mailbox store contract on the in-memory store, which joins no transaction and keeps messages in put order. */
class InMemoryMailboxStoreTest extends MailboxStoreContract {
    @Override
    protected MailboxStore createStore(Clock clock) {
        return new InMemoryMailboxStore();
    }
}

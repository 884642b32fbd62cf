package dev.courier.store.jdbc;

class H2MailboxStoreContractTest extends JdbcMailboxStoreContract {
    @Override
    TestDatabase database() {
        return TestDatabase.h2();
    }
}

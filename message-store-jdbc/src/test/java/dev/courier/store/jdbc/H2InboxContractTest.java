package dev.courier.store.jdbc;

class H2InboxContractTest extends JdbcInboxContract {
    @Override
    TestDatabase database() {
        return TestDatabase.h2();
    }
}

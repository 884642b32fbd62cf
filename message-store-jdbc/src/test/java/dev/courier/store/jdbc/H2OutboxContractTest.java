package dev.courier.store.jdbc;

class H2OutboxContractTest extends JdbcOutboxContract {
    @Override
    TestDatabase database() {
        return TestDatabase.h2();
    }
}

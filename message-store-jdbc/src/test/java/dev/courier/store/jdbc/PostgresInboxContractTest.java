package dev.courier.store.jdbc;

class PostgresInboxContractTest extends JdbcInboxContract {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}

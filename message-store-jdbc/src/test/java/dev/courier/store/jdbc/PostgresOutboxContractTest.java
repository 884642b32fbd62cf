package dev.courier.store.jdbc;

class PostgresOutboxContractTest extends JdbcOutboxContract {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}

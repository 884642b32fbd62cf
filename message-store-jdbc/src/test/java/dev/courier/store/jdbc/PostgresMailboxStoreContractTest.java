package dev.courier.store.jdbc;

class PostgresMailboxStoreContractTest extends JdbcMailboxStoreContract {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}

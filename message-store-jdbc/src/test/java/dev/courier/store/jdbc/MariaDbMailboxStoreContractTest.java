package dev.courier.store.jdbc;

class MariaDbMailboxStoreContractTest extends JdbcMailboxStoreContract {
    @Override
    TestDatabase database() {
        return TestDatabase.mariadb();
    }
}

package dev.courier.store.jdbc;

class MariaDbInboxContractTest extends JdbcInboxContract {
    @Override
    TestDatabase database() {
        return TestDatabase.mariadb();
    }
}

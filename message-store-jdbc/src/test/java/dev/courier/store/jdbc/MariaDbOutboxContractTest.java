package dev.courier.store.jdbc;

class MariaDbOutboxContractTest extends JdbcOutboxContract {
    @Override
    TestDatabase database() {
        return TestDatabase.mariadb();
    }
}

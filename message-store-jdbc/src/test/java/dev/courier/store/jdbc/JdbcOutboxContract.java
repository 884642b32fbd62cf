package dev.courier.store.jdbc;

import dev.courier.test.contract.OutboxContract;
import dev.courier.spi.Outbox;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Runs the outbox contract on one database, in a table of its own per test class, emptied before each test. */
abstract class JdbcOutboxContract extends OutboxContract {
    private static final Map<Class<?>, String> TABLES = new ConcurrentHashMap<>();

    abstract TestDatabase database();

    @Override
    protected Outbox createOutbox(Clock clock, int maxOutstanding) {
        TestDatabase database = database();
        String table = TABLES.computeIfAbsent(getClass(), c -> database.uniqueTable("outbox_contract"));
        JdbcOutbox outbox = JdbcOutbox.builder(database.dataSource()).table(table).clock(clock)
                .maxOutstanding(maxOutstanding).createTables(true).build();
        database.execute("DELETE FROM " + table);
        return outbox;
    }
}

package dev.courier.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.spi.OutboxTransaction;
import dev.courier.store.jdbc.internal.Micros;
import dev.courier.store.jdbc.internal.OutboxSql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The sweeper's statements on PostgreSQL must not depend on the table's statistics: a table just filled by an
 * outage (or never analyzed) must not make every claim read and sort every outstanding row, nor every mark scan
 * them. Checked on a fresh table that the planner knows nothing about.
 */
class PostgresSweepPlanTest {
    private static final int ROWS = 20_000;
    private static final int BATCH = 500;

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    @Test
    void onATableWithoutStatisticsTheClaimWalksTheOutstandingIndexAndTheMarkLooksTheIdsUp() throws Exception {
        TestDatabase database = TestDatabase.postgres();
        String table = database.uniqueTable("outbox_plan");
        JdbcOutbox outbox = JdbcOutbox.builder(database.dataSource()).table(table).createTables(true).build();
        List<UUID> ids = new ArrayList<>();
        for (int from = 0; from < ROWS; from += 1000) {
            List<Message> batch = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                Message message = new Message(MessageHeader.builder(UUID.randomUUID(), "plan", MessageType.EVENT)
                        .build(), MessageBody.wrap(new byte[256], "application/octet-stream"));
                batch.add(message);
                ids.add(message.id());
            }
            outbox.add(batch, OutboxTransaction.NONE);
        }

        OutboxSql sql = new OutboxSql(table, JdbcDialect.POSTGRESQL);
        long now = Micros.of(Instant.now());
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try {
                try (Statement settings = connection.createStatement()) {
                    settings.execute(sql.claimPlanSettings());
                }
                String claim = explain(connection, sql.claimAndLease(), statement -> {
                    statement.setLong(1, now);
                    statement.setLong(2, now);
                    statement.setInt(3, BATCH);
                    statement.setLong(4, now + Duration.ofMinutes(1).toNanos() / 1000);
                });
                assertThat(claim).as(claim).contains("Index Scan using " + table + "_outstanding")
                        .doesNotContain("Sort");

                String mark = explain(connection, sql.markDispatchedArray(), statement -> {
                    statement.setLong(1, now);
                    statement.setArray(2, connection.createArrayOf("uuid", ids.subList(0, BATCH).toArray()));
                });
                assertThat(mark).as(mark).contains(table + "_message_id_key").doesNotContain(table + "_outstanding");
            } finally {
                connection.rollback();
            }
        }

        // And through the outbox: a claim takes the oldest batch, its mark marks exactly that batch.
        List<Message> claimed = outbox.claimOutstanding(Instant.now(), BATCH, Duration.ofMinutes(1));
        assertThat(claimed).extracting(Message::id).containsExactlyElementsOf(ids.subList(0, BATCH));
        outbox.markDispatched(claimed.stream().map(Message::id).toList(), Instant.now());
        assertThat(outbox.outstandingCount()).isEqualTo(ROWS - BATCH);
    }

    private static String explain(Connection connection, String sql, Binder binder) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (PreparedStatement statement = connection.prepareStatement("EXPLAIN " + sql)) {
            binder.bind(statement);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    plan.append(result.getString(1)).append('\n');
                }
            }
        }
        return plan.toString();
    }
}

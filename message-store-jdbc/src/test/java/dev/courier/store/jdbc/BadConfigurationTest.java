package dev.courier.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class BadConfigurationTest {
    private static final String SECRET = "s3cr3t-Pa55word";

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aMissingOutboxTableFailsAtStartUpNamingTheTableAndTheDdl(TestDatabase.Kind kind) {
        TestDatabase database = TestDatabase.of(kind);
        String table = database.uniqueTable("missing_outbox");

        assertThatThrownBy(() -> JdbcOutbox.builder(database.dataSource()).table(table).build())
                .isInstanceOf(JdbcStoreException.class)
                .hasMessageContaining("outbox table " + table)
                .hasMessageContaining("createTables(true)")
                .hasMessageContaining(JdbcOutbox.builder(database.dataSource()).table(table).createTables(true)
                        .build().dialect().ddlResource());
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aMissingInboxTableFailsAtStartUpNamingTheTable(TestDatabase.Kind kind) {
        TestDatabase database = TestDatabase.of(kind);
        String table = database.uniqueTable("missing_inbox");

        assertThatThrownBy(() -> JdbcInbox.builder(database.dataSource()).table(table).build())
                .isInstanceOf(JdbcStoreException.class)
                .hasMessageContaining("inbox table " + table);
    }

    @Test
    void aTableWithoutTheOutboxColumnsFailsAtStartUp() {
        TestDatabase database = TestDatabase.h2();
        String table = database.uniqueTable("not_an_outbox");
        database.execute("CREATE TABLE " + table + " (message_id UUID PRIMARY KEY)");

        assertThatThrownBy(() -> JdbcOutbox.builder(database.dataSource()).table(table).build())
                .isInstanceOf(JdbcStoreException.class)
                .hasMessageContaining("outbox table " + table + " is missing or lacks columns");
    }

    @Test
    void theWrongDialectFailsAtStartUpNamingBoth() {
        TestDatabase database = TestDatabase.h2();

        assertThatThrownBy(() -> JdbcOutbox.builder(database.dataSource()).dialect(JdbcDialect.POSTGRESQL)
                .table(database.uniqueTable("wrong_dialect")).createTables(true).build())
                .isInstanceOf(JdbcStoreException.class)
                .hasMessageContaining("dialect POSTGRESQL was configured")
                .hasMessageContaining("H2");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "jdbc:postgresql://127.0.0.1:1/test?user=postgres&password=" + SECRET,
        "jdbc:mariadb://127.0.0.1:1/test?user=root&password=" + SECRET,
        "jdbc:mysql://root:" + SECRET + "@127.0.0.1:1/test"
    })
    void anUnreachableDatabaseFailsAtStartUpWithTheUrlButNotThePassword(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url.replace("jdbc:mysql:", "jdbc:mariadb:"));
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(1_000);
        try (HikariDataSource unreachable = new HikariDataSource(config)) {
            Throwable failure = org.assertj.core.api.Assertions.catchThrowable(
                    () -> JdbcOutbox.builder(unreachable).build());

            assertThat(failure).isInstanceOf(JdbcStoreException.class)
                    .hasMessageContaining("cannot connect to the database at ")
                    .hasMessageContaining("127.0.0.1:1")
                    .hasMessageContaining("outbox table courier_outbox")
                    .hasMessageNotContaining(SECRET);
            StringWriter trace = new StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            assertThat(trace.toString()).as("the whole stack trace, causes included").doesNotContain(SECRET);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"outbox; DROP TABLE x", "1outbox", "my-outbox", "schema.outbox", "",
        "a_table_name_that_is_much_too_long_for_an_index_suffix"})
    void aTableNameThatIsNoPlainIdentifierIsRejectedNamingIt(String name) {
        assertThatThrownBy(() -> JdbcOutbox.builder(TestDatabase.h2().dataSource()).table(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + name + "'");
        assertThatThrownBy(() -> JdbcInbox.builder(TestDatabase.h2().dataSource()).table(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + name + "'");
    }
}

package dev.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.spi.OutboxQuery;
import dev.courier.spi.OutboxState;
import dev.courier.spi.OutboxTransaction;
import dev.courier.store.jdbc.JdbcOutbox;
import dev.courier.test.TestServices;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** {@code courier outbox} against a real PostgreSQL outbox. */
class OutboxCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String table = "cli_outbox_" + UUID.randomUUID().toString().substring(0, 8);
    private final JdbcOutbox outbox;
    private final Cli cli = new Cli("courier").with("COURIER_OUTBOX_TABLE", table);
    private final List<Message> messages = new ArrayList<>();

    OutboxCliTest() {
        TestServices.require("PostgreSQL", TestServices.POSTGRES_URL, 5432);
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(TestServices.POSTGRES_URL);
        outbox = JdbcOutbox.builder(dataSource).table(table).createTables(true).build();
    }

    @AfterEach
    void drop() throws Exception {
        TestServices.dropTables(TestServices.POSTGRES_URL, table);
    }

    @Test
    void statsListPagesAndRepostsWhatAnOperatorAsksFor() throws Exception {
        for (int i = 0; i < 7; i++) {
            Message message = new Message(MessageHeader.builder(UUID.randomUUID(), i < 5 ? "orders" : "invoices",
                    MessageType.COMMAND).build(), MessageBody.json("{\"n\":" + i + "}"));
            outbox.add(List.of(message), OutboxTransaction.NONE);
            messages.add(message);
        }
        outbox.markDispatched(List.of(messages.get(0).id(), messages.get(1).id()), Instant.now());
        outbox.recordRefusal(messages.get(2).id(), "unroutable: no queue bound to 'orders'", Instant.now(), 1);

        JsonNode stats = json(cli.run("outbox", "stats", "--json"));
        assertThat(stats.get("outstanding").asInt()).isEqualTo(4);
        assertThat(stats.get("parked").asInt()).isEqualTo(1);
        assertThat(stats.get("dispatched").asInt()).isEqualTo(2);
        Cli.Result statsTable = cli.run("outbox", "stats");
        assertThat(statsTable.out().lines().toList().get(0))
                .matches("OUTSTANDING  PARKED  DISPATCHED  OLDEST OUTSTANDING +AGE");
        assertThat(statsTable.out().lines().toList().get(1)).matches("4 +1 +2 +20\\d\\d-.*Z +\\d+ s");

        Cli.Result first = cli.run("outbox", "list", "--state", "outstanding", "--limit", "3");
        assertThat(first.code()).as(first.toString()).isZero();
        List<String> lines = first.out().lines().toList();
        assertThat(lines.get(0)).startsWith("MESSAGE ID").contains("TOPIC", "CREATED AT", "REFUSALS");
        assertThat(lines).hasSize(5);
        String after = lines.get(4).replace("(next page: --after ", "").replace(")", "");
        JsonNode second = json(cli.run("outbox", "list", "--state", "outstanding", "--limit", "3", "--after", after,
                "--json"));
        List<String> all = new ArrayList<>(lines.subList(1, 4).stream().map(l -> l.substring(0, 36)).toList());
        second.get("entries").forEach(e -> all.add(e.get("messageId").asText()));
        assertThat(all).containsExactlyInAnyOrder(messages.get(3).id().toString(), messages.get(4).id().toString(),
                messages.get(5).id().toString(), messages.get(6).id().toString());

        JsonNode parked = json(cli.run("outbox", "list", "--state", "parked", "--json"));
        assertThat(parked.get("entries").get(0).get("lastRefusal").asText()).contains("unroutable");
        assertThat(parked.get("entries").get(0).get("refusals").asInt()).isEqualTo(1);

        Cli.Result repostParked = cli.run("outbox", "repost", "--state", "parked", "--all");
        assertThat(repostParked.out()).isEqualTo("1 message(s) outstanding again; the sweeper sends them on its next pass\n");
        Cli.Result repostOne = cli.run("outbox", "repost", "--id", messages.get(0).id().toString(), "--json");
        assertThat(json(repostOne).get("reposted").asInt()).isEqualTo(1);
        assertThat(outbox.query(OutboxQuery.of(OutboxState.OUTSTANDING, 100))).hasSize(6);
        assertThat(outbox.claimOutstanding(Instant.now().plusSeconds(1), 100, Duration.ofMinutes(1)))
                .as("the sweeper takes the reposted ones").hasSize(6);
    }

    @Test
    void badInputAndAnUnreachableDatabaseAreClearErrorsThatShowNoPassword() {
        Cli.Result state = cli.run("outbox", "list", "--state", "sent");
        assertThat(state.code()).isEqualTo(CourierCli.USAGE);
        assertThat(state.err()).contains("--state 'sent' is not one of outstanding, parked, dispatched");

        Cli.Result cursor = cli.run("outbox", "list", "--after", "yesterday");
        assertThat(cursor.code()).isEqualTo(CourierCli.USAGE);
        assertThat(cursor.err()).contains("--after 'yesterday' is not a cursor");

        Cli.Result unguarded = cli.run("outbox", "repost", "--state", "dispatched");
        assertThat(unguarded.code()).isEqualTo(CourierCli.USAGE);

        Cli.Result down = cli.with("COURIER_JDBC_URL", "jdbc:postgresql://127.0.0.1:1/test?user=postgres&password=hunter2")
                .run("outbox", "stats");
        assertThat(down.code()).isEqualTo(CourierCli.FAILED);
        assertThat(down.out() + down.err()).doesNotContain("hunter2");
    }

    private static JsonNode json(Cli.Result result) throws Exception {
        assertThat(result.code()).as(result.toString()).isZero();
        return JSON.readTree(result.out());
    }
}

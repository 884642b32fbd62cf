package dev.courier.transport.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.Command;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.spi.DeadLetterReason;
import dev.courier.spi.ChannelSpec;
import dev.courier.spi.MessageConsumer;
import dev.courier.spi.MessageProducer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The snippets of docs/transport-inmemory.md, kept runnable. Change both together. */
class InMemoryTransportDocsTest {

    record TaskReminder(UUID id, String taskName) implements Command {}

    @Test
    void theOpeningSnippetRuns() {
        // --- docs/transport-inmemory.md: opening snippet ---
        ManualClock clock = new ManualClock();
        InMemoryBroker broker = InMemoryBroker.builder().clock(clock).build();
        InMemoryTransport transport = InMemoryTransport.over(broker);
        broker.declareChannel("task.reminder", "task.reminder");  // keep what is sent before a consumer connects

        MessageProducer producer = transport.producer();
        Message message = new Message(
                MessageHeader.builder(UUID.randomUUID(), "task.reminder", MessageType.COMMAND).build(),
                MessageBody.json("{\"taskName\":\"water the plants\"}"));
        producer.send(message).join();                              // confirmed: the channel holds it

        MessageConsumer consumer = transport.createConsumer(ChannelSpec.of("task.reminder"));
        Message received = consumer.receive(Duration.ofSeconds(1));
        consumer.requeue(received, Duration.ofSeconds(30));          // try again in 30 s
        clock.advance(Duration.ofSeconds(30));                        // wakes waiting receivers; no sleeping
        Message again = consumer.receive(Duration.ofSeconds(1));      // again.header().handledCount() == 1
        consumer.acknowledge(again);

        broker.awaitAcknowledged("task.reminder", 1, Duration.ofSeconds(5));
        ChannelStats stats = broker.stats("task.reminder");           // ready, delayed, inFlight, acknowledged...
        // --- end of snippet ---

        assertThat(again.id()).isEqualTo(message.id());
        assertThat(again.header().handledCount()).isEqualTo(1);
        assertThat(stats.acknowledged()).isEqualTo(1);
        assertThat(stats.unsettled()).isZero();
    }

    @Test
    void theDeadLetterSnippetRuns() {
        InMemoryBroker broker = InMemoryBroker.builder().clock(new ManualClock()).build();
        InMemoryTransport transport = InMemoryTransport.over(broker);
        MessageConsumer consumer = transport.createConsumer(ChannelSpec.of("task.reminder"));
        transport.producer().send(new Message(
                MessageHeader.builder(UUID.randomUUID(), "task.reminder", MessageType.COMMAND).build(),
                MessageBody.json("{}"))).join();
        Message received = consumer.receive(Duration.ofSeconds(1));
        consumer.reject(received, new DeadLetterReason("unacceptable", "bad body", "", "task.reminder", 0,
                broker.clock().instant()));

        // --- docs/transport-inmemory.md: dead letters ---
        broker.awaitDeadLettered("task.reminder", 1, Duration.ofSeconds(5));
        DeadLetter dead = broker.deadLetters("task.reminder").get(0);
        String why = dead.reason().reason();                            // "unacceptable"
        String header = dead.message().header().bag().get(DeadLetterReason.REASON); // the same, as a header
        // --- end of snippet ---

        assertThat(why).isEqualTo("unacceptable");
        assertThat(header).isEqualTo("unacceptable");
    }

    @Test
    void theDocsShowTheSnippetsThisTestRuns() throws IOException {
        String docs = Files.readString(Path.of("../docs/transport-inmemory.md"));
        String source = Files.readString(
                Path.of("src/test/java/dev/courier/transport/inmemory/InMemoryTransportDocsTest.java"));
        List<String> snippets = javaBlocks(docs);

        assertThat(snippets).hasSizeGreaterThanOrEqualTo(2);
        for (String snippet : snippets.subList(0, 2)) {
            for (String line : snippet.split("\n")) {
                assertThat(source).as("docs line not in the test").contains(line.strip());
            }
        }
    }

    private static List<String> javaBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        int start;
        int from = 0;
        while ((start = markdown.indexOf("```java\n", from)) >= 0) {
            int end = markdown.indexOf("```", start + 8);
            blocks.add(markdown.substring(start + 8, end).strip());
            from = end + 3;
        }
        return blocks;
    }
}

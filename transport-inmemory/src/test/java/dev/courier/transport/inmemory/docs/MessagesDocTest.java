package dev.courier.transport.inmemory.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.Command;
import dev.courier.Event;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Request;
import dev.courier.Subscription;
import dev.courier.mapping.JsonLimits;
import dev.courier.mapping.JsonMessageMapper;
import dev.courier.mapping.MessageMapper;
import dev.courier.mapping.MessageMappers;
import dev.courier.mapping.MessageMappingException;
import dev.courier.mapping.Topic;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.transport.inmemory.InMemoryTransport;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Mirrors the opening snippet of docs/messages.md; keep the two in step. */
class MessagesDocTest {

    // --- snippet: types ---
    @Topic(value = "billing", name = "invoice.issued.v1")
    public record InvoiceIssued(UUID id, String customer, long amountCents) implements Event {}

    public record Ping(UUID id, String text) implements Command {}

    /** A custom format: the body is the text itself. */
    public static final class PingMapper implements MessageMapper<Ping> {
        @Override
        public Message toMessage(Ping ping, MessageHeader header) {
            return new Message(header, MessageBody.text(ping.text()));   // keep Courier's header
        }

        @Override
        public Ping toRequest(Message message) {
            if (!message.body().contentType().equals(MessageBody.TEXT)) {
                throw new MessageMappingException(message.topic(), message.id(),
                        "content type '" + message.body().contentType() + "' is not " + MessageBody.TEXT);
            }
            return new Ping(message.id(), message.body().asString());
        }
    }
    // --- end snippet ---

    @Test
    void theSnippetRuns() {
        InMemoryTransport transport = InMemoryTransport.create();
        List<String> pinged = new CopyOnWriteArrayList<>();

        // --- snippet: use ---
        MessageMappers mappers = new MessageMappers(JsonMessageMapper.defaultObjectMapper(
                        new JsonLimits(32, 64 * 1024, 256 * 1024, 50, 128)))   // tighter than the defaults
                .json(InvoiceIssued.class)                                       // topic and name from @Topic
                .register(Ping.class, "ping", "ping.v1", new PingMapper());      // a custom format

        try (CommandProcessor processor = CommandProcessor.builder()
                     .handlers(new HandlerRegistry().register(Ping.class, p -> pinged.add(p.text())))
                     .mappers(mappers)
                     .producers(Producers.of(transport.producer()))
                     .build();
             Dispatcher dispatcher = Dispatcher.builder()
                     .processor(processor)
                     .subscription(Subscription.builder("ping", Ping.class).transport(transport).build())
                     .build()
                     .start()) {
            processor.post(new Ping(Request.newId(), "hello"));     // text/plain on topic "ping"
            // --- end snippet ---
            transport.broker().awaitAcknowledged("ping", 1, Duration.ofSeconds(5));
            // --- snippet: use ---
        }

        InvoiceIssued issued = new InvoiceIssued(Request.newId(), "ACME", 1250);
        Message message = mappers.toMessage(issued, Duration.ZERO, Clock.systemUTC());
        message.header().topic();                                   // "billing"
        message.header().bag().get(MessageMappers.TYPE_HEADER);     // "invoice.issued.v1"
        message.body().asString();          // {"id":"…","customer":"ACME","amountCents":1250}
        Request back = mappers.toRequest(message, List.of(InvoiceIssued.class));   // equals issued
        // --- end snippet ---

        assertThat(pinged).containsExactly("hello");
        assertThat(message.id()).isEqualTo(issued.id());
        assertThat(message.header().topic()).isEqualTo("billing");
        assertThat(message.header().messageType()).isEqualTo(MessageType.EVENT);
        assertThat(message.header().bag()).containsEntry(MessageMappers.TYPE_HEADER, "invoice.issued.v1");
        assertThat(message.body().contentType()).isEqualTo(MessageBody.JSON);
        assertThat(message.body().asString()).contains("\"customer\":\"ACME\"", "\"amountCents\":1250");
        assertThat(back).isEqualTo(issued);
    }

    @Test
    void aTypeNameThatIsNotRegisteredForTheChannelIsRefusedNamingWhatItAccepts() {
        MessageMappers mappers = new MessageMappers().json(InvoiceIssued.class);
        Message message = new Message(MessageHeader.builder(UUID.randomUUID(), "billing", MessageType.EVENT)
                .bag(Map.of(MessageMappers.TYPE_HEADER, "java.lang.Runtime")).build(), MessageBody.json("{}"));

        assertThatThrownBy(() -> mappers.toRequest(message, List.of(InvoiceIssued.class)))
                .isInstanceOf(MessageMappingException.class)
                .hasMessage("Cannot map message " + message.id() + " on topic 'billing': unknown message type "
                        + "'java.lang.Runtime'; this channel accepts [invoice.issued.v1]");
    }

    @Test
    void aBodyOverTheJsonLimitsIsRefused() {
        MessageMappers mappers = new MessageMappers(JsonMessageMapper.defaultObjectMapper(
                new JsonLimits(32, 10, 256 * 1024, 50, 128))).json(InvoiceIssued.class);
        Message message = new Message(MessageHeader.builder(UUID.randomUUID(), "billing", MessageType.EVENT)
                .bag(Map.of(MessageMappers.TYPE_HEADER, "invoice.issued.v1")).build(),
                MessageBody.json("{\"id\":\"" + UUID.randomUUID() + "\",\"customer\":\"ACME\",\"amountCents\":1}"));

        assertThatThrownBy(() -> mappers.toRequest(message, List.of(InvoiceIssued.class)))
                .isInstanceOf(MessageMappingException.class)
                .hasMessageContaining("body is not a valid InvoiceIssued").hasMessageContaining("String value length");
    }

    @Test
    void theCustomMapperRefusesAnotherContentType() {
        MessageMappers mappers = new MessageMappers().register(Ping.class, "ping", "ping.v1", new PingMapper());
        Message message = new Message(MessageHeader.builder(UUID.randomUUID(), "ping", MessageType.COMMAND)
                .build(), MessageBody.json("\"hi\""));

        assertThatThrownBy(() -> mappers.toRequest(message, List.of(Ping.class)))
                .isInstanceOf(MessageMappingException.class).hasMessageContaining("is not text/plain");
    }
}

package dev.courier.transport.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.courier.Command;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.Reply;
import dev.courier.Request;
import dev.courier.RequestHandler;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.Dispatcher;
import dev.courier.test.Await;
import dev.courier.test.TestServices;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/wire-format.md checked by a client that is not Courier: a Python program on pika (Debian's python3-pika),
 * written from the page alone, produces a command a Courier dispatcher handles, reads what Courier posts, and
 * answers a Courier {@code call}. Without Python and pika the test is skipped loudly; under CI=true it fails
 * ({@code .ci/run} installs python3-pika).
 */
class ForeignClientWireTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final Path SCRIPT = Path.of("src", "test", "python", "foreign_client.py");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Greeting(UUID id, String name, Duration every, Instant at) implements Command {}

    public record Double(UUID id, int number) implements Command {}

    public record Doubled(UUID id, UUID correlationId, int result) implements Reply {}

    private final RabbitMqTransportFixture fixture = new RabbitMqTransportFixture();
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void pythonWithPika() throws Exception {
        boolean present = Files.isExecutable(Path.of(PYTHON))
                && new ProcessBuilder(PYTHON, "-c", "import pika").start().waitFor() == 0;
        if (!present) {
            TestServices.unavailable("Python 3 with pika (Debian package python3-pika) at " + PYTHON);
        }
    }

    @AfterEach
    void close() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        fixture.close();
    }

    @Test
    void aCommandProducedByAForeignClientIsHandledWithItsJavaTimeFields() throws Exception {
        String topic = fixture.uniqueTopic("foreign-in");
        List<Greeting> handled = new CopyOnWriteArrayList<>();
        CommandProcessor processor = open(CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Greeting.class, (RequestHandler<Greeting>) handled::add))
                .mappers(new MessageMappers().json(Greeting.class, topic)).producers(Producers.of(fixture.transport()))
                .build());
        open(Dispatcher.builder().processor(processor)
                .subscription(Subscription.builder(topic, Greeting.class).transport(fixture.transport()).build())
                .build().start());
        UUID id = UUID.randomUUID();
        String body = "{\"id\":\"" + id + "\",\"name\":\"Ada\",\"every\":\"PT5S\",\"at\":\"2030-01-01T09:00:00Z\"}";

        assertThat(python("produce", topic, "Greeting", body)).isEqualTo("SENT " + id);

        Await.until(WAIT, "the foreign command handled", () -> handled.size() == 1);
        assertThat(handled.get(0)).isEqualTo(new Greeting(id, "Ada", Duration.ofSeconds(5),
                Instant.parse("2030-01-01T09:00:00Z")));
    }

    @Test
    void whatCourierPostsReadsAsThePageSaysToAForeignClient() throws Exception {
        String topic = fixture.uniqueTopic("foreign-out");
        fixture.subscription(topic);                       // the foreign consumer's queue, bound to the topic
        CommandProcessor processor = open(CommandProcessor.builder()
                .mappers(new MessageMappers().json(Greeting.class, topic)).producers(Producers.of(fixture.transport()))
                .build());
        Greeting greeting = new Greeting(Request.newId(), "Alan", Duration.ofMinutes(90),
                Instant.parse("2030-01-01T09:00:00Z"));
        processor.post(greeting);

        JsonNode seen = JSON.readTree(python("read", topic));
        assertThat(seen.get("routing_key").asText()).as("the topic").isEqualTo(topic);
        assertThat(seen.get("message_id").asText()).isEqualTo(greeting.id().toString());
        assertThat(seen.get("type").asText()).isEqualTo("COMMAND");
        assertThat(seen.get("content_type").asText()).isEqualTo("application/json");
        assertThat(seen.get("delivery_mode").asInt()).isEqualTo(2);
        JsonNode headers = seen.get("headers");
        assertThat(headers.get("courier-type").asText()).isEqualTo("Greeting");
        assertThat(headers.has("courier-topic")).as("the routing key names the topic").isFalse();
        assertThat(Instant.parse(headers.get("courier-timestamp").asText())).isBefore(Instant.now().plusSeconds(1));
        JsonNode body = seen.get("body");
        assertThat(body.get("id").asText()).isEqualTo(greeting.id().toString());
        assertThat(body.get("every").asText()).as("a Duration is an ISO-8601 string").isEqualTo("PT1H30M");
        assertThat(body.get("at").asText()).isEqualTo("2030-01-01T09:00:00Z");
    }

    @Test
    void aForeignServiceAnswersACallAsThePageSaysToReply() throws Exception {
        String topic = fixture.uniqueTopic("foreign-call");
        fixture.subscription(topic);
        CommandProcessor client = open(CommandProcessor.builder()
                .mappers(new MessageMappers().json(Double.class, topic).reply(Doubled.class))
                .producers(Producers.of(fixture.transport())).replyChannel(fixture.transport()).build());
        Process answering = start("answer", topic, "Doubled");

        Doubled answer = client.call(new Double(Request.newId(), 21), Doubled.class, WAIT);

        assertThat(answer.result()).isEqualTo(42);
        assertThat(answering.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(answering.exitValue()).as(output(answering)).isZero();
    }

    private <T extends AutoCloseable> T open(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    /** Runs the foreign client to the end and returns its output, failing with it when the client failed. */
    private String python(String mode, String... args) throws Exception {
        Process process = start(mode, args);
        assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the foreign client finished").isTrue();
        String out = output(process);
        assertThat(process.exitValue()).as(out).isZero();
        return out.strip();
    }

    private Process start(String mode, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(PYTHON, SCRIPT.toString(), TestBroker.uri(),
                fixture.prefix(), mode));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static String output(Process process) {
        try {
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }
}

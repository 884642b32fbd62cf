package dev.courier.samples.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task API: {@code POST /tasks/{id}/reminders} with a JSON body {@code {"taskName":..., "due":..., "recipient":...}}
 * stores the reminder and its {@link TaskReminder} command in one transaction, answers {@code 202 Accepted} with the
 * reminder id, and only then sends the command to the broker (the caller never waits for the broker).
 */
public final class TaskApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskApi.class);
    private static final Pattern PATH = Pattern.compile("/tasks/([A-Za-z0-9._-]{1,100})/reminders");
    private static final int MAX_BODY = 16 * 1024;

    /** The request body. */
    record ReminderRequest(String taskName, Instant due, String recipient) {}

    private final HttpServer server;
    private final ExecutorService executor;
    private final ReminderService reminders;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private TaskApi(HttpServer server, ExecutorService executor, ReminderService reminders) {
        this.server = server;
        this.executor = executor;
        this.reminders = reminders;
    }

    /** Starts the API on {@code address} (port 0 picks a free one). */
    public static TaskApi start(InetSocketAddress address, ReminderService reminders) {
        return start(address, reminders, List.of());
    }

    /** As {@link #start(InetSocketAddress, ReminderService)}, with {@code filters} around each request. */
    public static TaskApi start(InetSocketAddress address, ReminderService reminders, List<Filter> filters) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(reminders, "reminders");
        try {
            HttpServer server = HttpServer.create(address, 50);
            ExecutorService executor = Executors.newFixedThreadPool(4);
            TaskApi api = new TaskApi(server, executor, reminders);
            server.createContext("/tasks/", api::handle).getFilters().addAll(filters);
            server.setExecutor(executor);
            server.start();
            return api;
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
    }

    /** The port the API listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        UUID dispatch = null;
        try (exchange) {
            Matcher path = PATH.matcher(exchange.getRequestURI().getPath());
            if (!path.matches()) {
                respond(exchange, 404, Map.of("error", "no such resource; use POST /tasks/{id}/reminders"));
                return;
            }
            if (!exchange.getRequestMethod().equals("POST")) {
                exchange.getResponseHeaders().add("Allow", "POST");
                respond(exchange, 405, Map.of("error", "use POST"));
                return;
            }
            TaskReminder reminder;
            try {
                ReminderRequest request = json.readValue(readBody(exchange), ReminderRequest.class);
                if (request == null) {
                    throw new IllegalArgumentException("the body is empty");
                }
                reminder = new TaskReminder(UUID.randomUUID(), path.group(1), request.taskName(), request.due(),
                        request.recipient());
            } catch (JsonProcessingException | IllegalArgumentException e) {
                respond(exchange, 400, Map.of("error", "expected {\"taskName\": text, \"due\": ISO-8601 instant, "
                        + "\"recipient\": text}: " + firstLine(e.getMessage())));
                return;
            }
            try {
                dispatch = reminders.deposit(reminder);
            } catch (RuntimeException e) {
                LOG.error("Reminder for task {} not stored", reminder.taskId(), e);
                respond(exchange, 503, Map.of("error", "the reminder could not be stored; try again"));
                return;
            }
            exchange.getResponseHeaders().add("Location", "/tasks/" + reminder.taskId() + "/reminders/" + dispatch);
            respond(exchange, 202, Map.of("reminderId", dispatch.toString()));
        }
        // The response is complete and the exchange closed: now send the committed message to the broker.
        if (dispatch != null) {
            reminders.dispatch(dispatch);
        }
    }

    private static byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                throw new IllegalArgumentException("the body is larger than " + MAX_BODY + " bytes");
            }
            return body;
        }
    }

    private void respond(HttpExchange exchange, int status, Map<String, String> body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    /** Stops accepting requests, lets those in progress finish (up to 2 s), and stops the threads. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

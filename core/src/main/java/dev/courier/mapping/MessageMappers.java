package dev.courier.mapping;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.courier.Event;
import dev.courier.Reply;
import dev.courier.Request;
import dev.courier.message.Message;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The explicit registry of request types that travel as messages: for each, its topic, its logical type name on
 * the wire (header {@value #TYPE_HEADER}) and its mapper. Inbound messages are resolved by that name, and only to
 * a registered type: a class name in a message is never loaded.
 *
 * <pre>{@code
 * MessageMappers mappers = new MessageMappers()
 *         .json(TaskReminder.class, "task.reminder")      // JSON, topic given
 *         .json(TaskCompleted.class);                     // JSON, topic from @Topic
 * }</pre>
 */
public final class MessageMappers {
    /** The bag header that names the request's logical type. */
    public static final String TYPE_HEADER = "courier-type";

    /** The bag header that names the recipient a reply is for (see {@code CommandProcessor.addRecipient}). */
    public static final String RECIPIENT_HEADER = "courier-recipient";

    /** The placeholder topic of reply types; replies go to their caller's reply-to address. */
    public static final String REPLY_TOPIC = "courier.replies";

    /** One registered request type. */
    public record Registration<T extends Request>(Class<T> type, String topic, String name, MessageMapper<T> mapper) {}

    private final Map<Class<?>, Registration<?>> byType = new LinkedHashMap<>();
    private final Map<String, Registration<?>> byName = new LinkedHashMap<>();
    private final ObjectMapper objectMapper;

    public MessageMappers() {
        this(JsonMessageMapper.defaultObjectMapper(JsonLimits.DEFAULT));
    }

    /** Uses {@code objectMapper} for every JSON mapping; configure limits and modules on it yourself. */
    public MessageMappers(ObjectMapper objectMapper) {
        this.objectMapper = Objects.requireNonNull(objectMapper, "objectMapper");
    }

    /**
     * A snapshot: the same registrations and object mapper, in a registry of its own. A processor builder takes one,
     * so that registering a type afterwards changes no processor already built.
     */
    public MessageMappers copy() {
        MessageMappers copy = new MessageMappers(objectMapper);
        copy.byType.putAll(byType);
        copy.byName.putAll(byName);
        return copy;
    }

    /** JSON for {@code type}, on the topic its {@link Topic} annotation names. */
    public <T extends Request> MessageMappers json(Class<T> type) {
        Topic topic = Objects.requireNonNull(type, "type").getAnnotation(Topic.class);
        if (topic == null) {
            throw new IllegalArgumentException(type.getName() + " has no @Topic; use json(type, topic) to name one");
        }
        return register(type, topic.value(), topic.name().isBlank() ? type.getSimpleName() : topic.name(),
                new JsonMessageMapper<>(type, objectMapper));
    }

    /** JSON for {@code type} on {@code topic}, named by its simple class name. */
    public <T extends Request> MessageMappers json(Class<T> type, String topic) {
        Objects.requireNonNull(type, "type");
        Topic annotation = type.getAnnotation(Topic.class);
        String name = annotation != null && !annotation.name().isBlank() ? annotation.name() : type.getSimpleName();
        return register(type, topic, name, new JsonMessageMapper<>(type, objectMapper));
    }

    /**
     * JSON for a reply type. Replies travel to the caller's reply address, not to a topic of their own, so the
     * registration's topic is only a placeholder ({@value #REPLY_TOPIC}).
     */
    public <T extends Reply> MessageMappers reply(Class<T> type) {
        return json(type, REPLY_TOPIC);
    }

    /** A custom mapper for {@code type} on {@code topic}, named {@code name} on the wire. */
    public <T extends Request> MessageMappers register(Class<T> type, String topic, String name,
            MessageMapper<T> mapper) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(mapper, "mapper for " + type.getName());
        requireText(topic, "topic for " + type.getName());
        requireText(name, "type name for " + type.getName());
        if (byType.containsKey(type)) {
            throw new IllegalArgumentException(type.getName() + " is already registered");
        }
        Registration<?> taken = byName.get(name);
        if (taken != null) {
            throw new IllegalArgumentException("type name '" + name + "' of " + type.getName()
                    + " is already used by " + taken.type().getName() + "; give one of them another name");
        }
        Registration<T> registration = new Registration<>(type, topic, name, mapper);
        byType.put(type, registration);
        byName.put(name, registration);
        return this;
    }

    public boolean contains(Class<?> type) {
        return byType.containsKey(type);
    }

    /** Every topic a registered type is posted to. */
    public Set<String> topics() {
        Set<String> topics = new TreeSet<>();
        byType.values().forEach(r -> topics.add(r.topic()));
        return topics;
    }

    /** The request types registered, in no particular order. */
    public Set<Class<? extends Request>> types() {
        Set<Class<? extends Request>> types = new java.util.HashSet<>();
        byType.keySet().forEach(type -> types.add(type.asSubclass(Request.class)));
        return Set.copyOf(types);
    }

    /** The registration of {@code type}, or an error that says how to register it. */
    @SuppressWarnings("unchecked")
    public <T extends Request> Registration<T> registration(Class<T> type) {
        Registration<?> registration = byType.get(type);
        if (registration == null) {
            throw new MessageMappingException("(none)", null, type.getName()
                    + " has no message mapper; register it with MessageMappers.json(" + type.getSimpleName()
                    + ".class, topic)");
        }
        return (Registration<T>) registration;
    }

    /** Maps a request to a message whose id is the request's id, timestamped by {@code clock}. */
    public <T extends Request> Message toMessage(T request, Duration delay, Clock clock) {
        @SuppressWarnings("unchecked")
        Registration<T> registration = registration((Class<T>) request.getClass());
        MessageType messageType = request instanceof Reply ? MessageType.REPLY
                : request instanceof Event ? MessageType.EVENT : MessageType.COMMAND;
        MessageHeader header = MessageHeader.builder(request.id(), registration.topic(), messageType)
                .correlationId(request instanceof Reply reply ? reply.correlationId() : null)
                .timestamp(clock.instant())
                .delay(delay)
                .bag(Map.of(TYPE_HEADER, registration.name()))
                .build();
        Message message = registration.mapper().toMessage(request, header);
        if (message == null || !message.id().equals(request.id())) {
            throw new MessageMappingException(registration.topic(), request.id(), "mapper "
                    + registration.mapper().getClass().getName() + " must return a message with the request's id");
        }
        return message;
    }

    /**
     * Maps a message back to one of {@code allowed} types, chosen by its {@value #TYPE_HEADER} header (or the only
     * allowed type when the header is absent).
     *
     * @throws MessageMappingException for an unknown or disallowed type name, or a body the mapper cannot read
     */
    public Request toRequest(Message message, Collection<Class<? extends Request>> allowed) {
        String name = message.header().bag().get(TYPE_HEADER);
        Registration<?> registration;
        if (name == null) {
            if (allowed.size() != 1) {
                throw new MessageMappingException(message.topic(), message.id(), "no " + TYPE_HEADER
                        + " header, and the channel carries " + allowed.size() + " types");
            }
            registration = byType.get(allowed.iterator().next());
            if (registration == null) {
                throw new MessageMappingException(message.topic(), message.id(), "no mapper registered for "
                        + allowed.iterator().next().getName());
            }
        } else {
            registration = byName.get(name);
            if (registration == null || !allowed.contains(registration.type())) {
                throw new MessageMappingException(message.topic(), message.id(), "unknown message type '"
                        + printable(name) + "'; this channel accepts " + names(allowed));
            }
        }
        Request request = registration.mapper().toRequest(message);
        if (!registration.type().isInstance(request)) {
            throw new MessageMappingException(message.topic(), message.id(), "mapper returned "
                    + (request == null ? "null" : request.getClass().getName()) + " for " + registration.type());
        }
        return request;
    }

    private String names(Collection<Class<? extends Request>> allowed) {
        Set<String> names = new TreeSet<>();
        for (Class<? extends Request> type : allowed) {
            Registration<?> r = byType.get(type);
            names.add(r == null ? type.getSimpleName() + " (unregistered)" : r.name());
        }
        return names.toString();
    }

    private static String printable(String text) {
        String cut = text.length() > 100 ? text.substring(0, 100) + "..." : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    private static void requireText(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }
}

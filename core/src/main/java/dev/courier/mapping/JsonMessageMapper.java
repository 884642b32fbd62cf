package dev.courier.mapping;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.courier.Request;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import java.io.IOException;
import java.util.Objects;

/**
 * Maps a request type to and from JSON with Jackson. The class to read is the one this mapper was made for, never a
 * name taken from the message: there is no default typing and no {@code @class}. Reads obey {@link JsonLimits};
 * unknown properties are ignored so that producers can add fields first.
 *
 * @param <T> the request type
 */
public final class JsonMessageMapper<T extends Request> implements MessageMapper<T> {
    private final Class<T> type;
    private final ObjectReader reader;
    private final ObjectWriter writer;
    private final long maxDocumentLength;

    public JsonMessageMapper(Class<T> type, ObjectMapper mapper) {
        this.type = Objects.requireNonNull(type, "type");
        Objects.requireNonNull(mapper, "mapper");
        this.reader = mapper.readerFor(type);
        this.writer = mapper.writerFor(type);
        long limit = mapper.getFactory().streamReadConstraints().getMaxDocumentLength();
        this.maxDocumentLength = limit <= 0 ? Long.MAX_VALUE : limit;
    }

    public JsonMessageMapper(Class<T> type) {
        this(type, defaultObjectMapper(JsonLimits.DEFAULT));
    }

    /**
     * The ObjectMapper Courier uses by default: java.time support, ISO dates, unknown properties ignored, and the
     * given read limits. Safe to share.
     */
    public static ObjectMapper defaultObjectMapper(JsonLimits limits) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxNestingDepth())
                        .maxStringLength(limits.maxStringLength())
                        .maxDocumentLength(limits.maxDocumentLength())
                        .maxNumberLength(limits.maxNumberLength())
                        .maxNameLength(limits.maxNameLength())
                        .build())
                .build();
        return new ObjectMapper(factory)
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)   // "PT5S", as docs/wire-format.md says
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    @Override
    public Message toMessage(T request, MessageHeader header) {
        try {
            return new Message(header, MessageBody.wrap(writer.writeValueAsBytes(request), MessageBody.JSON));
        } catch (JsonProcessingException e) {
            throw new MessageMappingException(header.topic(), header.messageId(),
                    "cannot write " + type.getName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public T toRequest(Message message) {
        MessageBody body = message.body();
        if (!isJson(body.contentType())) {
            throw new MessageMappingException(message.topic(), message.id(), "content type '"
                    + body.contentType() + "' is not " + MessageBody.JSON + " (expected for " + type.getName() + ")");
        }
        byte[] bytes = body.unsafeBytes();
        // Jackson checks the document length only between input buffers, and a byte array is one buffer: check here.
        if (bytes.length > maxDocumentLength) {
            throw new MessageMappingException(message.topic(), message.id(), "body of " + bytes.length
                    + " bytes is over the JSON document limit of " + maxDocumentLength + " bytes (JsonLimits)");
        }
        T request;
        try {
            request = reader.readValue(bytes);
        } catch (JsonProcessingException e) {
            throw new MessageMappingException(message.topic(), message.id(),
                    "body is not a valid " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new MessageMappingException(message.topic(), message.id(),
                    "body cannot be read as " + type.getSimpleName() + ": " + e, e);
        } catch (StackOverflowError e) {
            throw new MessageMappingException(message.topic(), message.id(), "body is nested too deeply");
        }
        if (request == null) {
            throw new MessageMappingException(message.topic(), message.id(), "body is JSON null");
        }
        return request;
    }

    private static boolean isJson(String contentType) {
        String base = contentType.split(";", 2)[0].trim();
        return base.equalsIgnoreCase(MessageBody.JSON) || base.toLowerCase(java.util.Locale.ROOT).endsWith("+json");
    }
}

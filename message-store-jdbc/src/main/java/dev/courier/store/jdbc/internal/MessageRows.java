package dev.courier.store.jdbc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.spi.IsoInstant;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** Writes a message into the outbox row's columns and reads it back, every header field and the body exactly. */
public final class MessageRows {
    /** The columns {@link #bind} fills, in order, followed by {@code created_at}. */
    public static final String INSERT_COLUMNS = "message_id, topic, message_type, message_timestamp, correlation_id,"
            + " reply_to, partition_key, handled_count, message_delay, bag, content_type, body, created_at";
    public static final String INSERT_PARAMETERS = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?";
    /** The columns {@link #read} needs. */
    public static final String SELECT_COLUMNS = "seq, message_id, topic, message_type, message_timestamp,"
            + " correlation_id, reply_to, partition_key, handled_count, message_delay, bag, content_type, body";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> BAG = new TypeReference<>() {};

    private static final String NO_DELAY = Duration.ZERO.toString();

    private final boolean nativeUuid;

    public MessageRows(boolean nativeUuid) {
        this.nativeUuid = nativeUuid;
    }

    public void bind(PreparedStatement statement, Message message, long createdAtMicros) throws SQLException {
        MessageHeader header = message.header();
        setUuid(statement, 1, header.messageId());
        statement.setString(2, header.topic());
        statement.setString(3, header.messageType().name());
        statement.setString(4, IsoInstant.format(header.timestamp()));
        setUuid(statement, 5, header.correlationId());
        statement.setString(6, header.replyTo());
        statement.setString(7, header.partitionKey());
        statement.setInt(8, header.handledCount());
        statement.setString(9, header.delay().toString());
        statement.setString(10, bag(header.bag()));
        statement.setString(11, message.body().contentType());
        statement.setBytes(12, message.body().unsafeBytes());
        statement.setLong(13, createdAtMicros);
    }

    public void setUuid(PreparedStatement statement, int index, UUID id) throws SQLException {
        if (id == null) {
            statement.setNull(index, nativeUuid ? Types.OTHER : Types.CHAR);
        } else if (nativeUuid) {
            statement.setObject(index, id);
        } else {
            statement.setString(index, id.toString());
        }
    }

    public Message read(ResultSet row) throws SQLException {
        MessageHeader header = MessageHeader.builder(uuid(row, "message_id"), row.getString("topic"),
                        MessageType.valueOf(row.getString("message_type")))
                .timestamp(IsoInstant.parse(row.getString("message_timestamp")))
                .correlationId(uuid(row, "correlation_id"))
                .replyTo(row.getString("reply_to"))
                .partitionKey(row.getString("partition_key"))
                .handledCount(row.getInt("handled_count"))
                .delay(delay(row.getString("message_delay")))
                .bag(bag(row.getString("bag")))
                .build();
        return new Message(header, MessageBody.wrap(row.getBytes("body"), row.getString("content_type")));
    }

    /** {@link Duration#parse}, which runs a regular expression, for any delay but none (most messages). */
    private static Duration delay(String text) {
        return NO_DELAY.equals(text) ? Duration.ZERO : Duration.parse(text);
    }

    private UUID uuid(ResultSet row, String column) throws SQLException {
        if (nativeUuid) {
            return row.getObject(column, UUID.class);
        }
        String text = row.getString(column);
        return text == null ? null : UUID.fromString(text);
    }

    private static String bag(Map<String, String> bag) {
        if (bag.isEmpty()) {
            return "{}";
        }
        try {
            return JSON.writeValueAsString(new TreeMap<>(bag));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a string map as JSON", e);
        }
    }

    private static Map<String, String> bag(String json) throws SQLException {
        if ("{}".equals(json)) {
            return Map.of();   // most messages carry no bag: skip the parser on the sweeper's path
        }
        try {
            return JSON.readValue(json, BAG);
        } catch (JsonProcessingException e) {
            throw new SQLException("the bag column holds no JSON object of strings: " + e.getOriginalMessage(), e);
        }
    }
}

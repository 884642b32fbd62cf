package dev.courier.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.courier.ChannelState;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The control messages of {@code dev.courier.runtime.ChannelControl} on the wire: a request is a command with a JSON
 * body ({@code {"action":"shut","channel":"task.reminder"}}) signed with HMAC-SHA256 over its id, timestamp, topic and
 * body under a secret both sides know; a reply is a JSON list of the instance's channel states.
 */
public final class ControlMessages {
    public static final String SIGNATURE = "courier-control-signature";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ControlMessages() {}

    /** A signed request to {@code topic}, answered at {@code replyTo}. */
    public static Message request(String topic, String action, String channel, String replyTo, byte[] secret,
            Instant now) {
        ObjectNode body = JSON.createObjectNode().put("action", action);
        if (channel != null) {
            body.put("channel", channel);
        }
        byte[] bytes = bytes(body);
        UUID id = UUID.randomUUID();
        MessageHeader header = MessageHeader.builder(id, topic, MessageType.COMMAND).timestamp(now).replyTo(replyTo)
                .bag(Map.of(SIGNATURE, sign(secret, id, now, topic, bytes))).build();
        return new Message(header, MessageBody.of(bytes, "application/json"));
    }

    /** Why {@code request} must be refused (unsigned, signed with another secret, too old or too new); empty if not. */
    public static Optional<String> refusal(Message request, byte[] secret, Instant now, Duration window) {
        String signature = request.header().bag().get(SIGNATURE);
        if (signature == null) {
            return Optional.of("it is not signed (no " + SIGNATURE + " header)");
        }
        String expected = sign(secret, request.id(), request.header().timestamp(), request.topic(),
                request.body().unsafeBytes());
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII))) {
            return Optional.of("its signature does not match (another secret, or the message was changed)");
        }
        Duration age = Duration.between(request.header().timestamp(), now);
        if (age.abs().compareTo(window) > 0) {
            return Optional.of("it was signed " + age.toSeconds() + " s from now, outside the " + window.toSeconds()
                    + " s window (a replay, or clocks apart)");
        }
        return Optional.empty();
    }

    /** The request's {@code field} ("action", "channel"); null when absent or the body is not JSON. */
    public static String field(Message request, String field) {
        try {
            JsonNode value = JSON.readTree(request.body().unsafeBytes()).get(field);
            return value == null || value.isNull() ? null : value.asText();
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** The reply of {@code instance} to {@code request}. */
    public static Message reply(Message request, String instance, String error, List<ChannelState> states,
            Instant now) {
        ObjectNode body = JSON.createObjectNode().put("instance", instance);
        body.put("error", error);
        ArrayNode channels = body.putArray("channels");
        for (ChannelState s : states) {
            channels.addObject().put("channel", s.channel()).put("topic", s.topic()).put("status", s.status().name())
                    .put("reason", s.reason()).put("performers", s.performers()).put("acknowledged", s.acknowledged())
                    .put("requeued", s.requeued()).put("deadLettered", s.deadLettered()).put("endpoint", s.endpoint());
        }
        MessageHeader header = MessageHeader.builder(UUID.randomUUID(), request.header().replyTo(), MessageType.REPLY)
                .timestamp(now).correlationId(request.id()).build();
        return new Message(header, MessageBody.of(bytes(body), "application/json"));
    }

    /** A reply read back: instance, error (null when none) and the channel states. */
    public static Reply readReply(Message reply) {
        try {
            JsonNode body = JSON.readTree(reply.body().unsafeBytes());
            List<ChannelState> states = new ArrayList<>();
            for (JsonNode s : body.path("channels")) {
                states.add(new ChannelState(s.path("channel").asText(), s.path("topic").asText(),
                        ChannelState.Status.valueOf(s.path("status").asText()), s.path("reason").asText(),
                        s.path("performers").asInt(), s.path("acknowledged").asLong(), s.path("requeued").asLong(),
                        s.path("deadLettered").asLong(), s.path("endpoint").asText()));
            }
            JsonNode error = body.get("error");
            return new Reply(body.path("instance").asText(), error == null || error.isNull() ? null : error.asText(),
                    List.copyOf(states));
        } catch (java.io.IOException | IllegalArgumentException e) {
            return new Reply("(unreadable)", "the reply could not be read: " + e.getMessage(), List.of());
        }
    }

    /** One instance's reply. */
    public record Reply(String instance, String error, List<ChannelState> channels) {}

    private static String sign(byte[] secret, UUID id, Instant timestamp, String topic, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((id + "\n" + timestamp.toEpochMilli() + "\n" + topic + "\n").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.courier.message;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/** The payload of a message: bytes and their content type. Immutable: the bytes are copied on the way in and out. */
public final class MessageBody {
    public static final String JSON = "application/json";
    public static final String TEXT = "text/plain; charset=utf-8";
    public static final MessageBody EMPTY = new MessageBody(new byte[0], "application/octet-stream");

    private final byte[] bytes;
    private final String contentType;

    private MessageBody(byte[] bytes, String contentType) {
        this.bytes = bytes;
        this.contentType = contentType;
    }

    public static MessageBody of(byte[] bytes, String contentType) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(contentType, "contentType");
        if (contentType.isBlank()) {
            throw new IllegalArgumentException("contentType must not be blank");
        }
        return new MessageBody(bytes.clone(), contentType);
    }

    /** Wraps bytes the caller hands over and promises not to change afterwards (no copy). */
    public static MessageBody wrap(byte[] bytes, String contentType) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(contentType, "contentType");
        return new MessageBody(bytes, contentType);
    }

    public static MessageBody json(String json) {
        return new MessageBody(json.getBytes(StandardCharsets.UTF_8), JSON);
    }

    public static MessageBody text(String text) {
        return new MessageBody(text.getBytes(StandardCharsets.UTF_8), TEXT);
    }

    /** A copy of the bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The bytes without a copy: callers must not modify them. For mappers and transports on the hot path. */
    public byte[] unsafeBytes() {
        return bytes;
    }

    public int size() {
        return bytes.length;
    }

    public String contentType() {
        return contentType;
    }

    public String asString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MessageBody that && contentType.equals(that.contentType)
                && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return 31 * contentType.hashCode() + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "MessageBody[" + bytes.length + " bytes, " + contentType + "]";
    }
}

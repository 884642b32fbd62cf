package dev.courier.message;

import java.util.Objects;
import java.util.UUID;

/**
 * An immutable header and body. A message received from a transport also carries a receipt: the transport's own
 * handle (a delivery tag, a queue entry) that it needs to settle the message. The receipt never goes on the wire
 * and takes no part in {@link #equals}.
 */
public final class Message {
    private final MessageHeader header;
    private final MessageBody body;
    private final Object receipt;

    public Message(MessageHeader header, MessageBody body) {
        this(header, body, null);
    }

    private Message(MessageHeader header, MessageBody body, Object receipt) {
        this.header = Objects.requireNonNull(header, "header");
        this.body = Objects.requireNonNull(body, "body");
        this.receipt = receipt;
    }

    public MessageHeader header() {
        return header;
    }

    public MessageBody body() {
        return body;
    }

    public UUID id() {
        return header.messageId();
    }

    public String topic() {
        return header.topic();
    }

    /** The transport's handle for settling this message, or null for a message not received from a transport. */
    public Object receipt() {
        return receipt;
    }

    public Message withReceipt(Object newReceipt) {
        return new Message(header, body, newReceipt);
    }

    public Message withHeader(MessageHeader newHeader) {
        return new Message(newHeader, body, receipt);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Message that && header.equals(that.header) && body.equals(that.body);
    }

    @Override
    public int hashCode() {
        return 31 * header.hashCode() + body.hashCode();
    }

    @Override
    public String toString() {
        return "Message[id=" + header.messageId() + ", topic=" + header.topic() + ", type=" + header.messageType()
                + ", " + body + "]";
    }
}

package dev.courier.mapping;

import dev.courier.Request;
import dev.courier.message.Message;
import dev.courier.message.MessageHeader;

/**
 * Turns one request type into a message and back. The default, {@link JsonMessageMapper}, serves any record;
 * write one only for a custom format. A mapper is given the {@link MessageHeader} that Courier made for the
 * request (id, topic, type, timestamp, type-name header) and adds its body, and may add headers of its own.
 *
 * @param <T> the request type
 */
public interface MessageMapper<T extends Request> {

    Message toMessage(T request, MessageHeader header);

    /**
     * @throws MessageMappingException naming the topic, message id and what was wrong, for a message that cannot be
     *                                 read; the message pump dead-letters it
     */
    T toRequest(Message message);
}

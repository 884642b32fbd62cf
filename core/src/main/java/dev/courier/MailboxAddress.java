package dev.courier;

import dev.courier.mapping.MessageMappers;
import dev.courier.message.Message;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where a message waits for its recipient: a mailbox service (a process's default mailbox, named by the process; see
 * {@code dev.courier.runtime.Mailboxes}) and a recipient in it, an arbitrary id unique within that service. Written
 * {@code service/recipient}.
 *
 * @param service   the mailbox service: letters, digits, '.', '_' or '-'
 * @param recipient the recipient within it: any text without control characters, at most 200 characters
 */
public record MailboxAddress(String service, String recipient) {
    /** Messages for service {@code s} travel on topic {@code courier.mailbox.s}. */
    public static final String TOPIC_PREFIX = "courier.mailbox.";

    public MailboxAddress {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(recipient, "recipient");
        if (!service.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("A mailbox service name is letters, digits, '.', '_' or '-', but was '"
                    + service + "'");
        }
        if (recipient.isEmpty() || recipient.length() > 200 || recipient.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("A recipient id is 1 to 200 characters without control characters, but"
                    + " was '" + recipient.replaceAll("\\p{Cntrl}", "?") + "' (" + recipient.length() + " characters)");
        }
    }

    /** Reads {@code service/recipient} (the recipient may itself contain '/'). */
    public static MailboxAddress parse(String address) {
        int slash = Objects.requireNonNull(address, "address").indexOf('/');
        if (slash <= 0 || slash == address.length() - 1) {
            throw new IllegalArgumentException("A mailbox address is 'service/recipient', but was '" + address + "'");
        }
        return new MailboxAddress(address.substring(0, slash), address.substring(slash + 1));
    }

    /** The topic the service's messages travel on. */
    public String topic() {
        return TOPIC_PREFIX + service;
    }

    /** {@code message} addressed here: its topic is the service's, and its bag names the recipient. */
    public Message address(Message message) {
        Map<String, String> bag = new LinkedHashMap<>(message.header().bag());
        bag.put(MessageMappers.RECIPIENT_HEADER, recipient);
        return message.withHeader(message.header().toBuilder().topic(topic()).bag(bag).build());
    }

    @Override
    public String toString() {
        return service + "/" + recipient;
    }
}

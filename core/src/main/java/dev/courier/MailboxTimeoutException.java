package dev.courier;

import java.time.Duration;
import java.util.Collection;

/** No message of the awaited types arrived for a recipient in time ({@code Mailboxes.dequeue} and {@code waitAny}). */
public class MailboxTimeoutException extends CourierException {
    public MailboxTimeoutException(MailboxAddress address, Collection<String> types, Duration timeout) {
        super("No message of type " + String.join(" or ", types) + " for recipient '" + address.recipient()
                + "' in mailbox '" + address.service() + "' within " + timeout.toMillis() + " ms");
    }
}

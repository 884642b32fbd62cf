package dev.courier.samples.tasks;

import dev.courier.CourierException;

/** The mail gateway failed to take a mail; carries the recipient and the attempt. */
public final class MailGatewayException extends CourierException {
    public MailGatewayException(String message) {
        super(message);
    }
}

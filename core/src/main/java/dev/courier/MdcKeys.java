package dev.courier;

/**
 * The SLF4J MDC keys a Dispatcher's message pump sets while it maps, handles and settles a message, so that every
 * log line written meanwhile, the handler's own included, says which message it is about. They are removed when the
 * message is settled. Show them with your logging back end's pattern, for example Logback's
 * {@code %X{courier.messageId}}.
 */
public final class MdcKeys {
    /** The id of the message being handled. */
    public static final String MESSAGE_ID = "courier.messageId";
    /** Its correlation id, when it has one (a reply's request, or whatever the sender set). */
    public static final String CORRELATION_ID = "courier.correlationId";
    /** The channel it came from. */
    public static final String CHANNEL = "courier.channel";

    private MdcKeys() {}
}

package dev.courier.message;

/** What a message means to its receiver. */
public enum MessageType {
    COMMAND,
    EVENT,
    REPLY,
    /** Tells a message pump to stop; never handed to a handler. */
    QUIT,
    /** A message that could not be understood; it goes to the dead letters. */
    UNACCEPTABLE
}

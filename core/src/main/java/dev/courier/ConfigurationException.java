package dev.courier;

/** A processor, dispatcher or store was configured in a way that cannot work; thrown when it is built. */
public class ConfigurationException extends CourierException {
    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.courier;

/**
 * A handler's pipeline cannot be built: an unknown policy name, two steps with one number, an annotation whose
 * factory fails. Thrown when the processor is built, never on the first message.
 */
public class PipelineConfigurationException extends CourierException {
    public PipelineConfigurationException(String message) {
        super(message);
    }

    public PipelineConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}

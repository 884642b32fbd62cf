package dev.courier.testing;

import dev.courier.ProducerException;
import dev.courier.message.Message;
import dev.courier.spi.MessageProducer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A producer for processor tests (not a transport): records what it is given and confirms at once, or fails, or
 * holds confirms back, as the test says. Transport behaviour is tested against the real transports.
 */
public final class RecordingProducer implements MessageProducer {
    public enum Mode { CONFIRM, FAIL, NEVER_CONFIRM }

    private final List<Message> sent = new CopyOnWriteArrayList<>();
    private volatile Mode mode = Mode.CONFIRM;

    public RecordingProducer mode(Mode value) {
        mode = value;
        return this;
    }

    public List<Message> sent() {
        return List.copyOf(sent);
    }

    @Override
    public CompletableFuture<Void> send(Message message) {
        switch (mode) {
            case FAIL:
                return CompletableFuture.failedFuture(new ProducerException("broker refused " + message.id()));
            case NEVER_CONFIRM:
                return new CompletableFuture<>();
            default:
                sent.add(message);
                return CompletableFuture.completedFuture(null);
        }
    }

    @Override
    public void close() {}
}

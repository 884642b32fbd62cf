package dev.courier.steps;

import dev.courier.DuplicateMessageException;
import dev.courier.Request;
import dev.courier.RequestContext;
import dev.courier.pipeline.Chain;
import dev.courier.pipeline.HandlerStep;
import dev.courier.pipeline.StepContext;
import dev.courier.pipeline.StepFactory;
import dev.courier.spi.Inbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The step behind {@link UseInbox}. */
final class InboxStep implements HandlerStep {
    private static final Logger LOG = LoggerFactory.getLogger(InboxStep.class);

    private final Inbox inbox;
    private final String key;
    private final boolean onceOnly;
    private final UseInbox.OnDuplicate onDuplicate;

    private InboxStep(Inbox inbox, String key, boolean onceOnly, UseInbox.OnDuplicate onDuplicate) {
        this.inbox = inbox;
        this.key = key;
        this.onceOnly = onceOnly;
        this.onDuplicate = onDuplicate;
    }

    @Override
    public void handle(Request request, RequestContext context, Chain next) {
        if (onceOnly && inbox.contains(request.id(), key)) {
            if (onDuplicate == UseInbox.OnDuplicate.THROW) {
                throw new DuplicateMessageException(request.getClass(), request.id(), key);
            }
            LOG.warn("Skipping duplicate {} {}: already handled by {}", request.getClass().getSimpleName(),
                    request.id(), key);
            return;
        }
        next.proceed(request, context);
        if (!inbox.add(request.id(), key) && onceOnly) {
            // Two copies ran at once and this one finished second. Fail whatever onDuplicate says, so that a
            // transaction around the handler (InTransaction) rolls its work back; a Dispatcher acks a duplicate.
            LOG.warn("{} {} was handled twice concurrently by {}; failing the second handling",
                    request.getClass().getSimpleName(), request.id(), key);
            throw new DuplicateMessageException(request.getClass(), request.id(), key);
        }
    }

    /** Keys entries by the handler's class name unless the annotation names a key. */
    static final class Factory implements StepFactory<UseInbox> {
        @Override
        public HandlerStep create(UseInbox annotation, StepContext context) {
            String key = annotation.key().isBlank() ? context.handlerType().getName() : annotation.key();
            return new InboxStep(context.inbox(), key, annotation.onceOnly(), annotation.onDuplicate());
        }
    }
}

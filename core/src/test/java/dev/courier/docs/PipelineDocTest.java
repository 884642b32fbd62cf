package dev.courier.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.Command;
import dev.courier.ContextualHandler;
import dev.courier.HandlerRegistry;
import dev.courier.HandlerTiming;
import dev.courier.Policies;
import dev.courier.Request;
import dev.courier.RequestContext;
import dev.courier.pipeline.HandlerStep;
import dev.courier.pipeline.Step;
import dev.courier.pipeline.StepContext;
import dev.courier.pipeline.StepFactory;
import dev.courier.runtime.CommandProcessor;
import dev.courier.steps.RequestLogging;
import dev.courier.steps.UsePolicy;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Mirrors the opening snippet of docs/pipeline.md; keep the two in step. */
class PipelineDocTest {

    public record Transfer(UUID id, long cents) implements Command {}

    /** Stands in for a remote service: fails the first call, then works. */
    static final class Bank {
        final AtomicInteger calls = new AtomicInteger();
        final List<String> audited = new CopyOnWriteArrayList<>();

        void transfer(Transfer transfer, String area) {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("bank busy");
            }
            audited.add(area + ":" + transfer.cents());
        }
    }

    // --- snippet: annotation and factory ---
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @Step(factory = AuditedFactory.class)
    public @interface Audited {
        String value();

        int step();

        HandlerTiming timing() default HandlerTiming.BEFORE;
    }

    public static final class AuditedFactory implements StepFactory<Audited> {
        @Override
        public HandlerStep create(Audited audited, StepContext context) { // once per handler, at build
            String area = audited.value();
            return (request, requestContext, next) -> {                   // on every handling
                requestContext.put("audit.area", area);
                next.proceed(request, requestContext);
            };
        }
    }

    public static final class TransferHandler implements ContextualHandler<Transfer> {
        private final Bank bank;

        TransferHandler(Bank bank) {
            this.bank = bank;
        }

        @Override
        @RequestLogging(step = 1)
        @Audited(value = "payments", step = 2)
        @UsePolicy(value = "bank-retry", step = 3)
        public void handle(Transfer transfer, RequestContext context) {
            String area = context.get("audit.area", String.class).orElse("none");
            bank.transfer(transfer, area);
        }
    }
    // --- end snippet ---

    @Test
    void theSnippetRuns() {
        Bank bank = new Bank();

        // --- snippet: build and send ---
        RetryRegistry retries = RetryRegistry.of(RetryConfig.custom()
                .maxAttempts(3).waitDuration(Duration.ofMillis(10)).build());
        retries.retry("bank-retry");

        try (CommandProcessor processor = CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Transfer.class, new TransferHandler(bank)))
                .policies(Policies.of(retries))
                .build()) {                                   // every pipeline is built and checked here
            processor.send(new Transfer(Request.newId(), 100)); // logged, audited, retried once
        }
        // --- end snippet ---

        assertThat(bank.calls).hasValue(2);
        assertThat(bank.audited).containsExactly("payments:100");
    }
}

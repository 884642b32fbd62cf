package dev.courier.store.jdbc;

import dev.courier.pipeline.HandlerStep;
import dev.courier.pipeline.Step;
import dev.courier.pipeline.StepContext;
import dev.courier.pipeline.StepFactory;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the rest of the pipeline, and the handler, in one JDBC transaction of a {@link JdbcTransactions}: committed
 * when the handler returns, rolled back when it throws. Give it a lower step number than {@link dev.courier.steps.UseInbox}
 * so that the inbox entry commits with the handler's work. Needs the factory registered:
 * {@code CommandProcessor.builder().stepFactory(InTransaction.class, transactions.stepFactory())}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Step(factory = InTransaction.Unregistered.class)
public @interface InTransaction {
    int step();

    /** Refuses the annotation when no {@link JdbcTransactions} factory was registered for it. */
    final class Unregistered implements StepFactory<InTransaction> {
        @Override
        public HandlerStep create(InTransaction annotation, StepContext context) {
            throw new IllegalStateException("@InTransaction needs to know its DataSource: register "
                    + "CommandProcessor.builder().stepFactory(InTransaction.class, JdbcTransactions.over(dataSource)"
                    + ".stepFactory())");
        }
    }
}

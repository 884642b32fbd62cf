package dev.courier.pipeline;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.Command;
import dev.courier.HandlerRegistry;
import dev.courier.PipelineConfigurationException;
import dev.courier.Policies;
import dev.courier.RequestContext;
import dev.courier.RequestHandler;
import dev.courier.runtime.CommandProcessor;
import dev.courier.steps.FallbackPolicy;
import dev.courier.steps.RequestLogging;
import dev.courier.steps.TimeoutPolicy;
import dev.courier.steps.UsePolicy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** Every mis-wired pipeline fails when the processor is built, naming the handler and the step. */
class PipelineConfigurationTest {

    record Order(UUID id) implements Command {}

    private static AbstractThrowableAssert<?, ? extends Throwable> assertBuildFails(
            RequestHandler<Order> handler, Policies policies) {
        return assertThatThrownBy(() -> CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Order.class, handler))
                .policies(policies)
                .build())
                .isInstanceOf(PipelineConfigurationException.class)
                .hasMessageContaining(handler.getClass().getName());
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertBuildFails(RequestHandler<Order> handler) {
        return assertBuildFails(handler, Policies.NONE);
    }

    static final class UnknownPolicy implements RequestHandler<Order> {
        @Override
        @UsePolicy(value = "no-such-policy", step = 4)
        public void handle(Order order) {}
    }

    @Test
    void anUnknownPolicyNameFailsTheBuildListingTheKnownOnes() {
        RetryRegistry retries = RetryRegistry.ofDefaults();
        retries.retry("known-retry");
        assertBuildFails(new UnknownPolicy(), Policies.of(retries))
                .hasMessageContaining("@UsePolicy(step 4)")
                .hasMessageContaining("unknown policy 'no-such-policy'")
                .hasMessageContaining("known-retry");
    }

    static final class AmbiguousPolicy implements RequestHandler<Order> {
        @Override
        @UsePolicy(value = "both", step = 1)
        public void handle(Order order) {}
    }

    @Test
    void aPolicyNameThatIsBothARetryAndABreakerFailsTheBuild() {
        RetryRegistry retries = RetryRegistry.ofDefaults();
        retries.retry("both");
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
        breakers.circuitBreaker("both");
        assertBuildFails(new AmbiguousPolicy(), Policies.of(retries, breakers))
                .hasMessageContaining("@UsePolicy(step 1)")
                .hasMessageContaining("'both' is both");
    }

    static final class StepsOnBothHandleMethods implements RequestHandler<Order> {
        @Override
        @RequestLogging(step = 1)
        public void handle(Order order) {}

        @Override
        public void handle(Order order, RequestContext context) {}
    }

    @Test
    void stepsOnHandleWhenTheHandlerImplementsTheContextualHandleFailTheBuild() {
        assertBuildFails(new StepsOnBothHandleMethods())
                .hasMessageContaining(StepsOnBothHandleMethods.class.getName())
                .hasMessageContaining("has step annotations on handle(Order)")
                .hasMessageContaining("put them on that one");
    }

    static final class SharedNumber implements RequestHandler<Order> {
        @Override
        @RequestLogging(step = 2)
        @TimeoutPolicy(step = 2, millis = 100)
        public void handle(Order order) {}
    }

    @Test
    void twoStepsWithOneNumberFailTheBuild() {
        assertBuildFails(new SharedNumber())
                .hasMessageContaining("share step number 2")
                .hasMessageContaining("@RequestLogging")
                .hasMessageContaining("@TimeoutPolicy");
    }

    static final class SharedNumberAcrossTimings implements RequestHandler<Order> {
        @Override
        @RequestLogging(step = 1, timing = dev.courier.HandlerTiming.AFTER)
        @TimeoutPolicy(step = 1, millis = 100)
        public void handle(Order order) {}
    }

    @Test
    void aBeforeAndAnAfterStepMayNotShareANumberEither() {
        assertBuildFails(new SharedNumberAcrossTimings()).hasMessageContaining("share step number 1");
    }

    /** A step annotation that forgot its number. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @Step(factory = PassThroughFactory.class)
    @interface Unnumbered {}

    /** A step annotation whose number has the wrong type. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @Step(factory = PassThroughFactory.class)
    @interface TextNumbered {
        String step();
    }

    static final class PassThroughFactory implements StepFactory<java.lang.annotation.Annotation> {
        @Override
        public HandlerStep create(java.lang.annotation.Annotation annotation, StepContext context) {
            return (request, requestContext, next) -> next.proceed(request, requestContext);
        }
    }

    static final class NoStepNumber implements RequestHandler<Order> {
        @Override
        @Unnumbered
        public void handle(Order order) {}
    }

    static final class WrongStepType implements RequestHandler<Order> {
        @Override
        @TextNumbered(step = "one")
        public void handle(Order order) {}
    }

    @Test
    void aStepAnnotationWithoutAnIntStepFailsTheBuild() {
        assertBuildFails(new NoStepNumber())
                .hasMessageContaining("@Unnumbered")
                .hasMessageContaining("declares no 'int step()'");
        assertBuildFails(new WrongStepType())
                .hasMessageContaining("@TextNumbered")
                .hasMessageContaining("declares no 'int step()'");
    }

    /** A step whose factory refuses it. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @Step(factory = ThrowingFactory.class)
    @interface Refused {
        int step();
    }

    static final class ThrowingFactory implements StepFactory<Refused> {
        @Override
        public HandlerStep create(Refused annotation, StepContext context) {
            throw new IllegalArgumentException("the refusal reason");
        }
    }

    static final class RefusedStep implements RequestHandler<Order> {
        @Override
        @Refused(step = 3)
        public void handle(Order order) {}
    }

    @Test
    void aFactoryThatThrowsFailsTheBuildWithItsReason() {
        assertBuildFails(new RefusedStep())
                .hasMessageContaining("@Refused(step 3)")
                .hasMessageContaining("the refusal reason")
                .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    /** A step whose factory cannot be made. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @Step(factory = NeedsArgumentFactory.class)
    @interface NeedsArgument {
        int step();
    }

    static final class NeedsArgumentFactory implements StepFactory<NeedsArgument> {
        NeedsArgumentFactory(String required) {}

        @Override
        public HandlerStep create(NeedsArgument annotation, StepContext context) {
            return (request, requestContext, next) -> next.proceed(request, requestContext);
        }
    }

    static final class UnbuildableFactory implements RequestHandler<Order> {
        @Override
        @NeedsArgument(step = 5)
        public void handle(Order order) {}
    }

    @Test
    void aFactoryWithoutANoArgumentConstructorFailsTheBuildSuggestingStepFactory() {
        assertBuildFails(new UnbuildableFactory())
                .hasMessageContaining("@NeedsArgument(step 5)")
                .hasMessageContaining(NeedsArgumentFactory.class.getName())
                .hasMessageContaining("no no-argument constructor")
                .hasMessageContaining("stepFactory(");
    }

    @Test
    void aFactoryGivenToTheBuilderNeedsNoConstructor() {
        CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Order.class, new UnbuildableFactory()))
                .stepFactory(NeedsArgument.class, new NeedsArgumentFactory("given"))
                .build()
                .close();
    }

    static final class FactoryReturnsNull implements RequestHandler<Order> {
        @Override
        @Refused(step = 1)
        public void handle(Order order) {}
    }

    @Test
    void aFactoryThatReturnsNoStepFailsTheBuild() {
        assertThatThrownBy(() -> CommandProcessor.builder()
                .handlers(new HandlerRegistry().register(Order.class, new FactoryReturnsNull()))
                .stepFactory(Refused.class, (annotation, context) -> null)
                .build())
                .isInstanceOf(PipelineConfigurationException.class)
                .hasMessageContaining("@Refused(step 1) on " + FactoryReturnsNull.class.getName())
                .hasMessageContaining("returned no step");
    }

    static final class FallbackNotOverridden implements RequestHandler<Order> {
        @Override
        @FallbackPolicy(step = 1)
        public void handle(Order order) {}
    }

    @Test
    void aFallbackPolicyOnAHandlerWithoutFallbackFailsTheBuild() {
        assertBuildFails(new FallbackNotOverridden())
                .hasMessageContaining("@FallbackPolicy(step 1)")
                .hasMessageContaining("override fallback");
    }

    static final class FallbackThatNeverRuns implements RequestHandler<Order> {
        @Override
        @FallbackPolicy(step = 1, onFailure = false, onOpenCircuit = false)
        public void handle(Order order) {}

        @Override
        public void fallback(Order order, Throwable cause) {}
    }

    @Test
    void aFallbackPolicyThatCouldNeverRunFailsTheBuild() {
        assertBuildFails(new FallbackThatNeverRuns()).hasMessageContaining("would never run");
    }

    static final class NonPositiveTimeout implements RequestHandler<Order> {
        @Override
        @TimeoutPolicy(step = 1, millis = 0)
        public void handle(Order order) {}
    }

    @Test
    void aTimeoutThatIsNotPositiveFailsTheBuild() {
        assertBuildFails(new NonPositiveTimeout())
                .hasMessageContaining("@TimeoutPolicy(step 1)")
                .hasMessageContaining("must be positive but was 0");
    }

    static final class NoPolicyNamed implements RequestHandler<Order> {
        @Override
        @UsePolicy(value = {}, step = 1)
        public void handle(Order order) {}
    }

    @Test
    void aUsePolicyThatNamesNothingFailsTheBuild() {
        assertBuildFails(new NoPolicyNamed()).hasMessageContaining("names no policy");
    }

    @Test
    void aFailedBuildDoesNotTouchAnExecutorHandedToIt() {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            assertThatThrownBy(() -> CommandProcessor.builder()
                    .handlers(new HandlerRegistry().register(Order.class, new NonPositiveTimeout()))
                    .executor(executor)
                    .build())
                    .isInstanceOf(PipelineConfigurationException.class);
            org.assertj.core.api.Assertions.assertThat(executor.isShutdown()).isFalse();
        } finally {
            executor.shutdownNow();
        }
    }
}

package dev.courier.steps;

import dev.courier.pipeline.Step;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Handles a request at most once per handler: the inbox records (request id, handler key) after a successful
 * handling, and a request whose id is already recorded is not handled again.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Step(factory = InboxStep.Factory.class)
public @interface UseInbox {
    int step();

    /** When false, the handling is recorded but duplicates are still handled. */
    boolean onceOnly() default true;

    OnDuplicate onDuplicate() default OnDuplicate.THROW;

    /** The handler key in the inbox; the handler's class name when empty. */
    String key() default "";

    enum OnDuplicate {
        /** Fail with {@link dev.courier.DuplicateMessageException}. */
        THROW,
        /** Log a warning and skip the handler. */
        WARN
    }
}

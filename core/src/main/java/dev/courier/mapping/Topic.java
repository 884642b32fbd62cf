package dev.courier.mapping;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The topic a request type is posted to, and optionally its logical type name on the wire (the simple class name
 * by default). Registration with {@link MessageMappers} may name both instead.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Topic {
    String value();

    /** The logical type name written to the {@value MessageMappers#TYPE_HEADER} header; empty for the simple name. */
    String name() default "";
}

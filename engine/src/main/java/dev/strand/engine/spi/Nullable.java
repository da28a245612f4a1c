package dev.strand.engine.spi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record component as optional: absent from the data (or {@code null} in JSON), it is {@code null}. Without
 * it (or {@code Optional<X>}), a component is required and a missing one is INVALID_FIELD. {@link RecordCodec} also
 * takes any other annotation named {@code Nullable} on the component or its type (JSpecify's, JSR 305's, Jakarta's).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD, ElementType.TYPE_USE})
public @interface Nullable
{
}

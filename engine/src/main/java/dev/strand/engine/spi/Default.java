package dev.strand.engine.spi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The value a record component takes when the data does not have it (absent, or {@code null} in JSON): the field is
 * then not required, and never null. For {@code long}, {@code boolean}, {@code String} and enum components, written
 * as text: {@code @Default("0")}, {@code @Default("true")}, {@code @Default("EUR")}, {@code @Default("PIECE")}
 * (checked when the codec is derived). The value is always stored, so the binary layout is the component's own; the
 * default is what a decoder reads for an absent field (and what is recorded and fingerprinted), as a hand-written
 * {@code readLong(name, absent)} does.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD})
public @interface Default
{
    String value();
}

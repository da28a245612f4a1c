package dev.strand.bench.support;

import dev.strand.config.Units;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli converters over the one parser of sizes, durations and counts ({@link Units}), for the
 * load generator, the harnesses and the bare server.
 */
public final class UnitConverters
{
    private UnitConverters()
    {
    }

    /** A duration in seconds: {@code 30s}, {@code 2m}, {@code 500ms}; a plain number is seconds. */
    public static final class Seconds implements ITypeConverter<Double>
    {
        @Override
        public Double convert(final String text)
        {
            return wrap(() -> Units.parseDuration(text, "s").toNanos() / 1e9);
        }
    }

    /** A duration in milliseconds: {@code 10ms}, {@code 750us}, {@code 1s}; a plain number is milliseconds. */
    public static final class Millis implements ITypeConverter<Double>
    {
        @Override
        public Double convert(final String text)
        {
            return wrap(() -> Units.parseDuration(text, "ms").toNanos() / 1e6);
        }
    }

    /** A count that may be fractional: {@code 50k}, {@code 1.5m}, {@code 100_000}. */
    public static final class Count implements ITypeConverter<Double>
    {
        @Override
        public Double convert(final String text)
        {
            return wrap(() -> Units.parseCount(text));
        }
    }

    /** A whole count: {@code 10k}, {@code 1_000_000}; {@code 2.5} is refused. */
    public static final class WholeCount implements ITypeConverter<Long>
    {
        @Override
        public Long convert(final String text)
        {
            final double d = new Count().convert(text);
            if (d != Math.rint(d) || Math.abs(d) > 9e15)
            {
                throw new TypeConversionException("'" + text + "' must be an integer");
            }
            return (long)d;
        }
    }

    /** A whole count that fits an int. */
    public static final class IntCount implements ITypeConverter<Integer>
    {
        @Override
        public Integer convert(final String text)
        {
            final long v = new WholeCount().convert(text);
            if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE)
            {
                throw new TypeConversionException("'" + text + "' is too large");
            }
            return (int)v;
        }
    }

    /** A size in bytes: {@code 64MiB}, {@code 4096}. */
    public static final class Size implements ITypeConverter<Long>
    {
        @Override
        public Long convert(final String text)
        {
            return wrap(() -> Units.parseSize(text));
        }
    }

    private static <T> T wrap(final java.util.function.Supplier<T> parse)
    {
        try
        {
            return parse.get();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new TypeConversionException(ex.getMessage());
        }
    }
}
